package dev.meetingbridge.meeting;

import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ending a meeting, over a connection or directly: everybody leaves, every connection
 * closes on both sides, then {@code meeting-ended} (docs/api.md 'REST API', 'Connections
 * and ending').
 */
class EndingCascadeTests extends IntegrationTest {

	private String moderator;

	private String member;

	private String bob;

	private String carol;

	private String dave;

	private String a;

	private String b;

	private String c;

	private String aToB;

	private String bToC;

	/**
	 * A (a moderator and a plain member) connected to B (Bob, Carol), which is connected
	 * to C (Dave).
	 */
	@BeforeEach
	void connectedMeetings() {
		this.moderator = fixtures.participant("mod");
		this.member = fixtures.participant("member");
		this.bob = fixtures.participant("bob");
		this.carol = fixtures.participant("carol");
		this.dave = fixtures.participant("dave");
		this.a = fixtures.activeMeetingWith(this.moderator, this.member);
		this.b = fixtures.activeMeetingWith(this.bob, this.carol);
		this.c = fixtures.activeMeetingWith(this.dave);
		this.aToB = fixtures.connect(this.a, this.b);
		this.bToC = fixtures.connect(this.c, this.b);
	}

	@Test
	void endingOverAConnectionReturnsTheEndedMeeting() {
		Api.Response ended = endOverConnection(tokens.moderator(moderator));

		assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
		assertThat(ended.json().path("id").asString()).isEqualTo(b);
		assertThat(ended.json().path("status").asString()).isEqualTo("ended");
		assertThat(ended.json().path("endedAt").asString()).isNotBlank();
		assertThat(ended.json().path("participants").size()).isZero();
		assertThat(ended.json().path("connections").size()).isZero();
	}

	@Test
	void endingOverAConnectionMakesEveryParticipantOfTheEndedMeetingLeaveOnce() {
		endOverConnection(tokens.moderator(moderator));

		List<JsonNode> left = events(b, "participant-left");
		assertThat(left).extracting((event) -> event.path("participant").path("id").asString())
			.containsExactlyInAnyOrder(bob, carol);
		assertThat(left).allSatisfy((event) -> assertThat(event.path("reason").asString()).isEqualTo("meeting-ended"));
	}

	@Test
	void endingOverAConnectionClosesItOnBothSides() {
		endOverConnection(tokens.moderator(moderator));

		assertClosedByEnding(a, aToB);
		assertClosedByEnding(b, aToB);
		assertThat(api.get(connections(a)).json().path("connections").size()).isZero();
	}

	@Test
	void meetingEndedIsTheLastEventOfTheEndedMeetingAndNamesWhoEndedIt() {
		endOverConnection(tokens.moderator(moderator));

		List<JsonNode> history = events(b);
		JsonNode last = history.get(history.size() - 1);
		assertThat(last.path("type").asString()).isEqualTo("meeting-ended");
		assertThat(last.path("meetingId").asString()).isEqualTo(b);
		assertThat(last.path("endedBy").path("meetingId").asString()).isEqualTo(a);
		assertThat(last.path("endedBy").path("participantId").asString()).isEqualTo(moderator);
		assertThat(events(b, "meeting-ended")).hasSize(1);
		assertThat(events(b, "participant-left")).hasSize(2);
		assertThat(events(b, "connection-close")).hasSize(2);
	}

	@Test
	void theEndedMeetingsOtherConnectionsCloseOnTheirOtherSideToo() {
		endOverConnection(tokens.moderator(moderator));

		assertClosedByEnding(c, bToC);
		assertClosedByEnding(b, bToC);
		assertThat(api.get(connections(c)).json().path("connections").size()).isZero();
		assertThat(api.get("/api/meetings/" + c).json().path("status").asString()).isEqualTo("active");
		assertThat(events(c, "participant-left")).isEmpty();
	}

	@Test
	void theMeetingThatEndedTheOtherStaysActive() {
		endOverConnection(tokens.moderator(moderator));

		JsonNode meeting = api.get("/api/meetings/" + a).json();
		assertThat(meeting.path("status").asString()).isEqualTo("active");
		assertThat(ids(meeting.path("participants"))).containsExactlyInAnyOrder(moderator, member);
		assertThat(events(a, "participant-left")).isEmpty();
		assertThat(events(a, "meeting-ended")).isEmpty();
	}

	@Test
	void anEndedMeetingStaysReadableAndRefusesEverythingWithMeetingEnded() {
		endOverConnection(tokens.moderator(moderator));
		long sequenceOfB = latestSequence(b);

		Api.Response read = api.get("/api/meetings/" + b);
		List<Api.Response> refused = List.of(
				api.post("/api/meetings/" + b + "/participants", Map.of("participantId", bob, "displayName", bob)),
				api.post(connections(a), Map.of("meetingId", b)), api.post(connections(b), Map.of("meetingId", a)),
				api.as(tokens.participant(member))
					.post(connections(a) + "/" + aToB + "/chat-messages", Map.of("message", "still there?")),
				api.post("/api/meetings/" + b + "/end"), endOverConnection(tokens.moderator(moderator)));

		assertThat(read.status()).as(read.toString()).isEqualTo(200);
		assertThat(read.json().path("status").asString()).isEqualTo("ended");
		assertThat(refused).allSatisfy((response) -> {
			assertThat(response.status()).as(response.toString()).isEqualTo(409);
			assertThat(response.code()).as(response.toString()).isEqualTo("meeting-ended");
		});
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
		assertThat(api.get(connections(a)).json().path("connections").size()).isZero();
	}

	@Test
	void aMemberWithoutAllowModCannotEndTheConnectedMeetingAndNothingChanges() {
		long sequenceOfA = latestSequence(a);
		long sequenceOfB = latestSequence(b);
		long sequenceOfC = latestSequence(c);

		Api.Response refused = endOverConnection(tokens.participant(member));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("forbidden");
		JsonNode meeting = api.get("/api/meetings/" + b).json();
		assertThat(meeting.path("status").asString()).isEqualTo("active");
		assertThat(ids(meeting.path("participants"))).containsExactlyInAnyOrder(bob, carol);
		assertThat(api.get(connections(a) + "/" + aToB).status()).isEqualTo(200);
		assertThat(latestSequence(a)).isEqualTo(sequenceOfA);
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
		assertThat(latestSequence(c)).isEqualTo(sequenceOfC);
	}

	@Test
	void aServerTokenEndingOverAConnectionIsRecordedAsTheMeetingAtTheNearEnd() {
		Api.Response ended = api.post(connections(a) + "/" + aToB + "/end");

		assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
		List<JsonNode> history = events(b);
		JsonNode last = history.get(history.size() - 1);
		assertThat(last.path("type").asString()).isEqualTo("meeting-ended");
		assertThat(last.path("endedBy").path("meetingId").asString()).isEqualTo(a);
		assertThat(last.path("endedBy").has("participantId")).isFalse();
	}

	@Test
	void endingAMeetingDirectlyClosesItsConnectionsOnBothSides() {
		fixtures.join(b, moderator);

		Api.Response ended = api.as(tokens.moderator(moderator)).post("/api/meetings/" + b + "/end");

		assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
		assertThat(ended.json().path("status").asString()).isEqualTo("ended");
		assertClosedByEnding(a, aToB);
		assertClosedByEnding(b, aToB);
		assertClosedByEnding(c, bToC);
		assertClosedByEnding(b, bToC);
		assertThat(api.get(connections(a)).json().path("connections").size()).isZero();
		assertThat(api.get(connections(c)).json().path("connections").size()).isZero();
		assertThat(events(b, "participant-left")).extracting((event) -> event.path("participant").path("id").asString())
			.containsExactlyInAnyOrder(bob, carol, moderator);
		List<JsonNode> history = events(b);
		JsonNode last = history.get(history.size() - 1);
		assertThat(last.path("type").asString()).isEqualTo("meeting-ended");
		assertThat(last.path("endedBy").path("meetingId").asString()).isEqualTo(b);
		assertThat(last.path("endedBy").path("participantId").asString()).isEqualTo(moderator);
		assertThat(api.get("/api/meetings/" + a).json().path("status").asString()).isEqualTo("active");
	}

	private Api.Response endOverConnection(String token) {
		return api.as(token).post(connections(a) + "/" + aToB + "/end");
	}

	/**
	 * Exactly one {@code connection-close} of this connection on the meeting, for the
	 * reason {@code meeting-ended}.
	 */
	private void assertClosedByEnding(String meetingId, String connectionId) {
		List<JsonNode> closes = events(meetingId, "connection-close").stream()
			.filter((event) -> connectionId.equals(event.path("connectionId").asString()))
			.toList();
		assertThat(closes).as("connection-close of %s on %s", connectionId, meetingId).hasSize(1);
		assertThat(closes.get(0).path("meetingId").asString()).isEqualTo(meetingId);
		assertThat(closes.get(0).path("reason").asString()).isEqualTo("meeting-ended");
	}

}
