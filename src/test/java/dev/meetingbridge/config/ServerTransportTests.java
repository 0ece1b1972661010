package dev.meetingbridge.config;

import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.StompTestClient;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

import static dev.meetingbridge.support.Events.about;
import static dev.meetingbridge.support.Events.chat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server runs on io_uring where the kernel offers it, and on epoll with
 * {@code bridge.transport.io-uring=false}; {@code /actuator/info} tells which, and REST
 * and STOMP work the same on both.
 */
class ServerTransportTests extends IntegrationTest {

	@Test
	void theServerRunsOnIoUringWhereTheKernelOffersIt() {
		String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
		assertThat(transport(new Api(baseUrl(), null))).isEqualTo(expected);
	}

	@Test
	void withIoUringTurnedOffTheServerRunsOnEpollAndDeliversAsBefore() {
		try (BridgeInstance epoll = BridgeInstance.start("bridge.transport.io-uring=false")) {
			Api onEpoll = new Api("http://localhost:" + epoll.port(), tokens.server());
			assertThat(transport(onEpoll)).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");

			String alice = fixtures.participant("alice");
			String bob = fixtures.participant("bob");
			String a = fixtures.activeMeetingWith(alice);
			String b = fixtures.activeMeetingWith(bob);
			String connection = fixtures.connect(a, b);
			try (StompTestClient client = StompTestClient.connect("ws://localhost:" + epoll.port() + "/ws",
					tokens.participant(alice))) {
				Map<String, StompTestClient.Received> topics = client.subscribeAll(a);
				String carol = fixtures.participant("carol");
				Api.Response joined = onEpoll.post("/api/meetings/" + a + "/participants",
						Map.of("participantId", carol, "displayName", carol));
				assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
				topics.get("participant-joined").await(about(carol));
				Api.Response sent = onEpoll.as(tokens.participant(bob))
					.post("/api/meetings/" + b + "/connections/" + connection + "/chat-messages",
							Map.of("message", "over epoll"));
				assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
				topics.get("chat-message").await(chat("over epoll"));
			}
		}
	}

	/**
	 * Where io_uring is missing, the start-up log says why in one line: the failure's
	 * messages, never an empty placeholder or a stack trace.
	 */
	@Test
	void whyIoUringIsMissingIsOneLine() {
		Throwable refused = new IllegalStateException("failed to create io_uring ring fd",
				new RuntimeException("Operation not permitted\n(errno 1)"));
		assertThat(ServerTransport.reason(refused))
			.isEqualTo("failed to create io_uring ring fd: Operation not permitted (errno 1)");
		assertThat(ServerTransport.reason(new UnsatisfiedLinkError())).isEqualTo("UnsatisfiedLinkError");
		assertThat(ServerTransport.reason(null)).isEqualTo("no reason given");
		if (!IoUring.isAvailable()) {
			assertThat(ServerTransport.reason(IoUring.unavailabilityCause())).isNotBlank().doesNotContain("\n");
		}
	}

	private static String transport(Api api) {
		Api.Response info = api.get("/actuator/info");
		assertThat(info.status()).isEqualTo(200);
		return info.json().path("server").path("transport").asString();
	}

}
