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
 * Ending a meeting (docs/api.md 'REST API'): every participant leaves, every connection
 * closes on both sides, then meeting-ended; an ended meeting stays readable.
 */
class MeetingEndingTests extends IntegrationTest {

	@Test
	void endingMakesEveryParticipantLeaveThenPublishesMeetingEndedLast() {
		String mod = fixtures.participant("mod");
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String meeting = fixtures.activeMeetingWith(mod, alice, bob);
		long before = latestSequence(meeting);
		Api.Response ended = api.as(tokens.moderator(mod)).post("/api/meetings/" + meeting + "/end");
		assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
		assertThat(ended.json().path("id").asString()).isEqualTo(meeting);
		assertThat(ended.json().path("status").asString()).isEqualTo("ended");
		assertThat(ended.json().path("endedAt").asString()).matches(TIMESTAMP);
		assertThat(ended.json().path("participants").size()).isZero();
		List<JsonNode> events = events(meeting, before);
		assertThat(events).hasSize(4);
		assertThat(events.subList(0, 3)).allSatisfy((event) -> {
			assertThat(event.path("type").asString()).isEqualTo("participant-left");
			assertThat(event.path("reason").asString()).isEqualTo("meeting-ended");
		});
		assertThat(events.subList(0, 3).stream().map((event) -> event.path("participant").path("id").asString()))
			.containsExactlyInAnyOrder(mod, alice, bob);
		JsonNode last = events.get(3);
		assertThat(last.path("type").asString()).isEqualTo("meeting-ended");
		assertThat(last.path("endedBy").path("meetingId").asString()).isEqualTo(meeting);
		assertThat(last.path("endedBy").path("participantId").asString()).isEqualTo(mod);
		assertContiguousFrom(before + 1, events);
	}

	@Test
	void endingClosesTheMeetingsConnectionsOnBothSides() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String other = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connection = fixtures.connect(meeting, other);
		long otherBefore = latestSequence(other);
		assertThat(api.post("/api/meetings/" + meeting + "/end").status()).isEqualTo(200);
		List<JsonNode> events = events(meeting, 0);
		JsonNode closed = events.stream()
			.filter((event) -> event.path("type").asString().equals("connection-close"))
			.findFirst()
			.orElseThrow();
		assertThat(closed.path("connectionId").asString()).isEqualTo(connection);
		assertThat(closed.path("reason").asString()).isEqualTo("meeting-ended");
		assertThat(events.get(events.size() - 1).path("type").asString()).isEqualTo("meeting-ended");
		assertThat(events(other, otherBefore)).singleElement().satisfies((event) -> {
			assertThat(event.path("type").asString()).isEqualTo("connection-close");
			assertThat(event.path("connectionId").asString()).isEqualTo(connection);
			assertThat(event.path("reason").asString()).isEqualTo("meeting-ended");
		});
		assertThat(api.get("/api/meetings/" + other + "/connections").json().path("connections").size()).isZero();
		assertThat(api.get("/api/meetings/" + meeting).json().path("connections").size()).isZero();
	}

	@Test
	void anEndedMeetingStaysReadableButCannotBeEndedAgain() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("alice"));
		JsonNode ended = api.post("/api/meetings/" + meeting + "/end").json();
		long latest = latestSequence(meeting);
		assertProblem(api.post("/api/meetings/" + meeting + "/end"), 409, "meeting-ended");
		Api.Response read = api.get("/api/meetings/" + meeting);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.json()).isEqualTo(ended);
		assertThat(read.json().has("endedBy")).isFalse();
		assertThat(latestSequence(meeting)).isEqualTo(latest);
	}

	@Test
	void endingNeedsAModeratingMember() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		long latest = latestSequence(meeting);
		assertProblem(api.as(tokens.participant(alice)).post("/api/meetings/" + meeting + "/end"), 403, "forbidden");
		assertProblem(
				api.as(tokens.moderator(fixtures.participant("outsider"))).post("/api/meetings/" + meeting + "/end"),
				403, "forbidden");
		assertThat(api.get("/api/meetings/" + meeting).json().path("status").asString()).isEqualTo("active");
		assertThat(latestSequence(meeting)).isEqualTo(latest);
		assertProblem(api.post("/api/meetings/" + unique("nowhere") + "/end"), 404, "meeting-not-found");
	}

	private List<JsonNode> events(String meetingId, long after) {
		return api.get("/api/meetings/" + meetingId + "/events?limit=1000&after=" + after)
			.json()
			.path("events")
			.values()
			.stream()
			.toList();
	}

	private static void assertContiguousFrom(long first, List<JsonNode> events) {
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i).path("sequence").asLong()).as("sequence of event %d", i).isEqualTo(first + i);
		}
	}

}
