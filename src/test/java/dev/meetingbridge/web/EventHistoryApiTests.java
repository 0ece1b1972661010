package dev.meetingbridge.web;

import java.util.List;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.meetingbridge.support.Events.TIMESTAMP;
import static dev.meetingbridge.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A meeting's event history (docs/api.md 'REST API'): oldest first, contiguous sequences,
 * a window chosen by after and limit.
 */
class EventHistoryApiTests extends IntegrationTest {

	@Test
	void historyIsOldestFirstWithContiguousSequencesFromOne() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice, fixtures.participant("bob"), fixtures.participant("carol"));
		api.delete("/api/meetings/" + meeting + "/participants/" + alice);
		Api.Response history = api.as(tokens.participant(fixtures.participant("stranger")))
			.get("/api/meetings/" + meeting + "/events");
		assertProblem(history, 403, "forbidden");
		JsonNode body = api.get("/api/meetings/" + meeting + "/events").json();
		assertThat(body.propertyNames()).containsExactlyInAnyOrder("events", "latestSequence", "epoch");
		assertThat(body.path("latestSequence").asLong()).isEqualTo(4);
		List<JsonNode> events = body.path("events").values().stream().toList();
		assertContiguousFrom(1, events);
		assertThat(events)
			.allSatisfy((event) -> assertThat(event.path("epoch").asString()).isEqualTo(body.path("epoch").asString())
				.isNotEmpty());
		assertThat(events.stream().map((event) -> event.path("type").asString())).containsExactly("participant-joined",
				"participant-joined", "participant-joined", "participant-left");
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.path("meetingId").asString()).isEqualTo(meeting);
			assertThat(event.path("timestamp").asString()).matches(TIMESTAMP);
		});
	}

	@Test
	void afterAndLimitSelectAWindowOfTheHistory() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("a"), fixtures.participant("b"),
				fixtures.participant("c"), fixtures.participant("d"), fixtures.participant("e"));
		JsonNode window = api.get("/api/meetings/" + meeting + "/events?after=2&limit=2").json();
		assertThat(window.path("latestSequence").asLong()).isEqualTo(5);
		assertThat(sequences(window)).containsExactly(3L, 4L);
		assertThat(sequences(api.get("/api/meetings/" + meeting + "/events?after=3").json())).containsExactly(4L, 5L);
		assertThat(sequences(api.get("/api/meetings/" + meeting + "/events?limit=1").json())).containsExactly(1L);
		JsonNode beyond = api.get("/api/meetings/" + meeting + "/events?after=5").json();
		assertThat(sequences(beyond)).isEmpty();
		assertThat(beyond.path("latestSequence").asLong()).isEqualTo(5);
		assertThat(sequences(api.get("/api/meetings/" + meeting + "/events?after=99").json())).isEmpty();
		JsonNode farBeyond = api.get("/api/meetings/" + meeting + "/events?after=" + Long.MAX_VALUE).json();
		assertThat(sequences(farBeyond)).isEmpty();
		assertThat(farBeyond.path("latestSequence").asLong()).isEqualTo(5);
	}

	@Test
	void historyParametersOutsideTheirRangesAreRefused() {
		String meeting = fixtures.activeMeetingWith();
		for (String query : List.of("limit=0", "limit=1001", "limit=-5", "after=-1", "after=soon", "limit=1.5")) {
			assertProblem(api.get("/api/meetings/" + meeting + "/events?" + query), 400, "validation-failed");
		}
		assertThat(api.get("/api/meetings/" + meeting + "/events?limit=1000&after=0").status()).isEqualTo(200);
		assertProblem(api.get("/api/meetings/" + unique("nowhere") + "/events"), 404, "meeting-not-found");
	}

	private static List<Long> sequences(JsonNode history) {
		return history.path("events").valueStream().map((event) -> event.path("sequence").asLong()).toList();
	}

	private static void assertContiguousFrom(long first, List<JsonNode> events) {
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i).path("sequence").asLong()).as("sequence of event %d", i).isEqualTo(first + i);
		}
	}

}
