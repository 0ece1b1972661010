package dev.meetingbridge.stomp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RawWebSocket;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.StompTestClient.Received;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading its socket must not hold up the others of its meeting:
 * they keep receiving every message while its frames pile up, and the bridge closes it
 * once it has fallen too far behind.
 */
class SlowConsumerTests extends IntegrationTest {

	/**
	 * 4,000 characters per chat, so the stalled client's buffers fill after a few
	 * thousand.
	 */
	private static final String TEXT = "x".repeat(4_000);

	private static final int MOST_MESSAGES = 4_000;

	/** Its own instance, so the chat rate limit can be lifted for the senders. */
	private static BridgeInstance bridge;

	private final List<StompTestClient> clients = new ArrayList<>();

	@BeforeAll
	static void startInstance() {
		bridge = BridgeInstance.start("bridge.chat.rate-per-second=100000", "bridge.chat.burst=100000");
	}

	@AfterAll
	static void stopInstance() {
		if (bridge != null) {
			bridge.close();
		}
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(StompTestClient::close);
	}

	@Test
	void aStalledSubscriberIsClosedWhileTheOthersReceiveEverything() throws IOException {
		String sender = fixtures.participant("sender");
		String source = fixtures.activeMeetingWith(sender);
		String target = fixtures.activeMeetingWith(fixtures.participant("host"));
		String connection = fixtures.connect(source, target);
		String topic = "/topic/meetings/" + target + "/chat-message";
		List<Received> healthy = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			StompTestClient client = bridge.stomp(tokens.server());
			this.clients.add(client);
			healthy.add(client.subscribe(topic));
		}
		double closedBefore = slowConsumersClosed();

		try (RawWebSocket stalled = stalledSubscriber(topic)) {
			Api chat = bridge.api(tokens.server());
			int sent = 0;
			while (slowConsumersClosed() == closedBefore && sent < MOST_MESSAGES) {
				Api.Response response = chat.post(
						"/api/meetings/" + source + "/connections/" + connection + "/chat-messages",
						Map.of("message", sent + "|" + TEXT, "senderId", sender));
				assertThat(response.status()).as(response.toString()).isEqualTo(201);
				sent++;
			}
			assertThat(slowConsumersClosed()).as("the stalled client was closed as too slow after %d messages", sent)
				.isGreaterThan(closedBefore);
			int all = sent;
			for (Received received : healthy) {
				await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= all);
				assertThat(received.messages()).hasSize(all);
			}
			assertThat(stalled.drainsToTheEnd(Duration.ofSeconds(30))).as("the bridge closed the stalled connection")
				.isTrue();
		}
	}

	/**
	 * A STOMP client on a raw socket with a tiny receive buffer: it connects, subscribes,
	 * sees the receipt, and then reads nothing until asked to drain.
	 */
	private RawWebSocket stalledSubscriber(String destination) throws IOException {
		RawWebSocket socket = RawWebSocket.open(bridge.port(), 4096);
		assertThat(socket.handshake()).startsWith("HTTP/1.1 101");
		socket.connectStomp(tokens.server());
		socket.sendText("SUBSCRIBE\nid:stalled\ndestination:" + destination + "\nreceipt:ready\n\n\0");
		socket.readUntil("receipt-id:ready");
		return socket;
	}

	private static double slowConsumersClosed() {
		return bridge.bean(MeterRegistry.class)
			.counter("bridge.stomp.sessions.closed", "reason", "slow-consumer")
			.count();
	}

}
