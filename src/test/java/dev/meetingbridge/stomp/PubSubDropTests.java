package dev.meetingbridge.stomp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.MeetingHistory;
import dev.meetingbridge.support.RedisCommands;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.StompTestClient.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.meetingbridge.support.Events.assertContiguous;
import static dev.meetingbridge.support.Events.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis keeps running while its pub/sub connections are dropped again and again (a
 * network blip, a proxy restart, a failover): a subscriber on another instance still
 * receives every event of its topics, once, in sequence order, because the instance fills
 * each gap from the meeting's history before it delivers anything newer. Runs on the
 * standalone and the cluster pass.
 */
class PubSubDropTests extends IntegrationTest {

	private static final int JOINS = 300;

	private static final int DROPS = 12;

	private static BridgeInstance second;

	@BeforeAll
	static void startSecondInstance() {
		second = BridgeInstance.start();
	}

	@AfterAll
	static void stopSecondInstance() {
		if (second != null) {
			second.close();
		}
	}

	@Test
	void aSubscriberOnAnotherInstanceGetsEveryEventOnceInOrderWhileThePubSubLinksAreDropped() {
		String meeting = fixtures.activeMeetingWith();
		try (StompTestClient subscriber = second.stomp(tokens.server())) {
			Map<String, Received> topics = Map.of("participant-joined",
					subscriber.subscribe("/topic/meetings/" + meeting + "/participant-joined"), "participant-left",
					subscriber.subscribe("/topic/meetings/" + meeting + "/participant-left"));

			List<String> joined = new ArrayList<>();
			int changes = 0;
			for (int i = 0; i < JOINS; i++) {
				String participant = fixtures.participant("p" + i);
				join(meeting, participant);
				joined.add(participant);
				changes++;
				if (i % 3 == 2) {
					// every third one leaves again, so both topics carry events
					String leaving = joined.remove(0);
					Api.Response left = api.delete("/api/meetings/" + meeting + "/participants/" + leaving);
					assertThat(left.status()).as(left.toString()).isEqualTo(204);
					changes++;
				}
				if (i % (JOINS / DROPS) == JOINS / DROPS / 2) {
					RedisCommands.dropPubSubConnections();
				}
			}

			MeetingHistory history = MeetingHistory.of(api, meeting);
			long all = changes;
			assertThat(history.latestSequence()).isEqualTo(all);
			await().atMost(Duration.ofSeconds(60)).until(() -> total(topics.values()) >= all);
			assertContiguous(topics, meeting, 1, all);
			List<JsonNode> received = new ArrayList<>();
			topics.values().forEach((topic) -> received.addAll(topic.messages()));
			received.sort((a, b) -> Long.compare(a.path("sequence").asLong(), b.path("sequence").asLong()));
			assertThat(received).as("what the subscriber received is the meeting's history")
				.containsExactlyElementsOf(history.events());
			assertThat(subscriber.connected()).isTrue();
		}
	}

	private void join(String meeting, String participant) {
		Api.Response joined = api.post("/api/meetings/" + meeting + "/participants",
				Map.of("participantId", participant, "displayName", participant));
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
	}

}
