package dev.meetingbridge.support;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A meeting's whole event history (up to 1000 events), checked to be numbered 1, 2, 3...
 */
public record MeetingHistory(List<JsonNode> events, long latestSequence) {

	public static MeetingHistory of(Api api, String meetingId) {
		Api.Response response = api.get("/api/meetings/" + meetingId + "/events?limit=1000");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		List<JsonNode> events = new ArrayList<>();
		response.json().path("events").forEach(events::add);
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i).path("sequence").asLong()).as("sequence of event %d", i).isEqualTo(i + 1);
		}
		return new MeetingHistory(events, response.json().path("latestSequence").asLong());
	}

	public List<JsonNode> ofType(String type) {
		return this.events.stream().filter((event) -> type.equals(event.path("type").asString())).toList();
	}

	/** The meeting's events of the type about one participant. */
	public List<JsonNode> about(String type, String participantId) {
		return ofType(type).stream()
			.filter((event) -> participantId.equals(event.path("participant").path("id").asString()))
			.toList();
	}

	public List<JsonNode> joined(String participantId) {
		return about("participant-joined", participantId);
	}

	public List<JsonNode> left(String participantId) {
		return about("participant-left", participantId);
	}

}
