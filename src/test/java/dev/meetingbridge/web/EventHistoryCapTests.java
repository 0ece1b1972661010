package dev.meetingbridge.web;

import java.util.List;

import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history endpoint keeps only the last {@code bridge.history.max-events} events of a
 * meeting.
 */
@TestPropertySource(properties = "bridge.history.max-events=5")
class EventHistoryCapTests extends IntegrationTest {

	@Test
	void historyKeepsOnlyTheNewestEventsWithContiguousSequences() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("a"), fixtures.participant("b"),
				fixtures.participant("c"), fixtures.participant("d"), fixtures.participant("e"),
				fixtures.participant("f"), fixtures.participant("g"), fixtures.participant("h"));
		JsonNode history = history(meeting, "");
		assertThat(history.path("latestSequence").asLong()).isEqualTo(8);
		assertThat(sequences(history)).containsExactly(4L, 5L, 6L, 7L, 8L);
		assertThat(sequences(history(meeting, "?after=1"))).as("a gap older than the history")
			.containsExactly(4L, 5L, 6L, 7L, 8L);
		assertThat(sequences(history(meeting, "?after=0&limit=2"))).containsExactly(4L, 5L);
		assertThat(sequences(history(meeting, "?after=6"))).containsExactly(7L, 8L);
		assertThat(sequences(history(meeting, "?after=8"))).isEmpty();
	}

	private JsonNode history(String meetingId, String query) {
		return api.get("/api/meetings/" + meetingId + "/events" + query).json();
	}

	private static List<Long> sequences(JsonNode history) {
		return history.path("events").valueStream().map((event) -> event.path("sequence").asLong()).toList();
	}

}
