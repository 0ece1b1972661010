package dev.meetingbridge.stomp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
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
 * A subscriber that stops reading its socket must not hold up the others of its meeting: they
 * keep receiving every message while its frames pile up, and the bridge closes it once it has
 * fallen too far behind.
 */
class SlowConsumerTests extends IntegrationTest {

	/** 4,000 characters per chat, so the stalled client's buffers fill after a few thousand. */
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

		try (StalledClient stalled = StalledClient.subscribe(bridge.port(), tokens.server(), topic)) {
			Api chat = bridge.api(tokens.server());
			int sent = 0;
			while (slowConsumersClosed() == closedBefore && sent < MOST_MESSAGES) {
				Api.Response response = chat.post("/api/meetings/" + source + "/connections/" + connection
						+ "/chat-messages", Map.of("message", sent + "|" + TEXT, "senderId", sender));
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

	private static double slowConsumersClosed() {
		return bridge.bean(MeterRegistry.class).counter("bridge.stomp.slow.consumers.closed").count();
	}

	/**
	 * A STOMP client on a raw socket with a tiny receive buffer: it connects, subscribes, sees
	 * the receipt, and then reads nothing until asked to drain.
	 */
	private static final class StalledClient implements AutoCloseable {

		private final Socket socket;

		private StalledClient(Socket socket) {
			this.socket = socket;
		}

		static StalledClient subscribe(int port, String token, String destination) throws IOException {
			Socket socket = new Socket();
			socket.setReceiveBufferSize(4096);
			socket.setSoTimeout(10_000);
			socket.connect(new InetSocketAddress("localhost", port));
			StalledClient client = new StalledClient(socket);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /ws HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
					+ "Connection: Upgrade\r\nSec-WebSocket-Key: c3RhbGxlZC1jbGllbnQtMQ==\r\n"
					+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			client.readUntil("\r\n\r\n");
			client.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\nAuthorization:Bearer " + token + "\n\n\0");
			client.readUntil("CONNECTED");
			client.sendText("SUBSCRIBE\nid:stalled\ndestination:" + destination + "\nreceipt:ready\n\n\0");
			client.readUntil("receipt-id:ready");
			return client;
		}

		private void readUntil(String marker) throws IOException {
			InputStream in = this.socket.getInputStream();
			StringBuilder seen = new StringBuilder();
			while (seen.indexOf(marker) < 0) {
				int b = in.read();
				assertThat(b).as("connection ended before %s", marker).isNotNegative();
				seen.append((char) b);
			}
		}

		/** A masked client text frame (RFC 6455 5.3). */
		private void sendText(String text) throws IOException {
			byte[] payload = text.getBytes(StandardCharsets.UTF_8);
			byte[] mask = { 0x1b, 0x2c, 0x3d, 0x4e };
			ByteArrayOutputStream frame = new ByteArrayOutputStream();
			frame.write(0x81);
			if (payload.length < 126) {
				frame.write(0x80 | payload.length);
			}
			else {
				frame.write(0x80 | 126);
				frame.write(payload.length >> 8);
				frame.write(payload.length & 0xff);
			}
			frame.write(mask);
			for (int i = 0; i < payload.length; i++) {
				frame.write(payload[i] ^ mask[i % 4]);
			}
			this.socket.getOutputStream().write(frame.toByteArray());
			this.socket.getOutputStream().flush();
		}

		/** Reads all that was buffered for it; true when the bridge closed the connection at the end. */
		boolean drainsToTheEnd(Duration within) throws IOException {
			long deadline = System.nanoTime() + within.toNanos();
			byte[] buffer = new byte[64 * 1024];
			InputStream in = this.socket.getInputStream();
			while (System.nanoTime() < deadline) {
				try {
					if (in.read(buffer) < 0) {
						return true;
					}
				}
				catch (SocketTimeoutException ex) {
					return false;
				}
				catch (IOException ex) {
					return true; // reset by the bridge
				}
			}
			return false;
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
