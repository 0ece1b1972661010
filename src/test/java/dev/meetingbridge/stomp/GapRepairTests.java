package dev.meetingbridge.stomp;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RawWebSocket;
import dev.meetingbridge.support.RedisCommands;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.StompTestClient.Received;
import dev.meetingbridge.support.TcpGate;
import dev.meetingbridge.support.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.meetingbridge.support.Events.assertContiguous;
import static dev.meetingbridge.support.Events.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an instance does when its pub/sub link to Redis was down while a meeting changed.
 * The instance under test reaches Redis through a {@link TcpGate}: the test drops its
 * pub/sub connection and keeps the gate shut, so the events published meanwhile are
 * missed for certain, then opens it. Changes go through the test's own instance, whose
 * link stays up.
 */
class GapRepairTests extends IntegrationTest {

	private static TcpGate gate;

	private static BridgeInstance relayed;

	/** Writes with a history of three events, so that a longer outage outlives it. */
	private static BridgeInstance forgetful;

	@BeforeAll
	static void startInstances() {
		URI redis = URI.create(TestRedis.url());
		gate = TcpGate.to(redis.getHost(), redis.getPort());
		relayed = BridgeInstance.startOn("redis://127.0.0.1:" + gate.port());
		forgetful = BridgeInstance.start("bridge.history.max-events=3");
	}

	@AfterAll
	static void stopInstances() {
		for (AutoCloseable closeable : new AutoCloseable[] { relayed, forgetful, gate }) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				// already gone
			}
		}
	}

	@AfterEach
	void openTheGate() {
		gate.open();
	}

	@Test
	void aQuietMeetingGetsWhatItsSubscribersMissedOnceTheChannelIsSubscribedAgain() {
		String meeting = fixtures.activeMeetingWith();
		double repairsBefore = counter("bridge.events.gap.repairs");
		try (StompTestClient subscriber = relayed.stomp(tokens.server())) {
			Map<String, Received> topics = subscriber.subscribeAll(meeting);
			fixtures.join(meeting, fixtures.participant("before"));
			await().until(() -> total(topics.values()) == 1);

			linkDown();
			for (int i = 0; i < 5; i++) {
				fixtures.join(meeting, fixtures.participant("meanwhile"));
			}
			assertThat(total(topics.values())).as("nothing arrives while the link is down").isEqualTo(1);
			gate.open();

			// Nothing else happens in the meeting: only the re-subscribe can bring the
			// five.
			await().atMost(Duration.ofSeconds(30)).until(() -> total(topics.values()) >= 6);
			assertContiguous(topics, meeting, 1, 6);
			assertThat(counter("bridge.events.gap.repairs")).isGreaterThan(repairsBefore);
			assertThat(counter("bridge.events.gap.filled")).isGreaterThanOrEqualTo(5);

			fixtures.join(meeting, fixtures.participant("after"));
			await().until(() -> total(topics.values()) >= 7);
			assertContiguous(topics, meeting, 1, 7);
		}
	}

	@Test
	void aGapTheHistoryNoLongerHoldsClosesTheSubscribersWith4000Resync() throws IOException {
		String meeting = fixtures.activeMeetingWith();
		double resyncsBefore = counter("bridge.events.resyncs");
		try (RawWebSocket behind = RawWebSocket.open(relayed.port(), 0);
				StompTestClient other = relayed.stomp(tokens.server())) {
			behind.connectStomp(tokens.server());
			behind.sendText("SUBSCRIBE\nid:0\ndestination:/topic/meetings/" + meeting
					+ "/participant-joined\nreceipt:ready\n\n\0");
			behind.readUntil("receipt-id:ready");
			Received seen = other.subscribe("/topic/meetings/" + meeting + "/participant-joined");

			linkDown();
			var writer = forgetful.api(tokens.server());
			for (int i = 0; i < 6; i++) {
				String participant = fixtures.participant("meanwhile");
				assertThat(writer
					.post("/api/meetings/" + meeting + "/participants",
							Map.of("participantId", participant, "displayName", participant))
					.status()).isEqualTo(201);
			}
			gate.open();

			// The close frame: status 4000 (0x0fa0) and the reason.
			String closing = behind.readUntil("resync");
			assertThat(closing).contains("\u0088").contains("\u000f\u00a0resync");
			assertThat(behind.drainsToTheEnd(Duration.ofSeconds(30))).isTrue();
			await().atMost(Duration.ofSeconds(30)).until(() -> !other.connected());
			assertThat(seen.messages()).isEmpty();
			// Counted once the repair that closed the sessions has returned.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(counter("bridge.events.resyncs")).isEqualTo(resyncsBefore + 1));
			assertThat(relayed.bean(MeterRegistry.class)
				.counter("bridge.stomp.sessions.closed", "reason", "resync")
				.count()).isGreaterThanOrEqualTo(2);
		}

		// A client that comes back, reloads and subscribes again is live from there on.
		try (StompTestClient again = relayed.stomp(tokens.server())) {
			Received joins = again.subscribe("/topic/meetings/" + meeting + "/participant-joined");
			String later = fixtures.participant("later");
			fixtures.join(meeting, later);
			await().until(() -> joins.size() == 1);
			assertThat(joins.messages().get(0).path("sequence").asLong()).isEqualTo(7);
		}
	}

	/** Drops the relayed instance's pub/sub connection and keeps it from coming back. */
	private static void linkDown() {
		gate.shut();
		RedisCommands.dropPubSubConnections();
	}

	private static double counter(String name) {
		return relayed.bean(MeterRegistry.class).counter(name).count();
	}

}
