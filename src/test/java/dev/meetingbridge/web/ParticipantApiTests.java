package dev.meetingbridge.web;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.meetingbridge.security.Permission;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.meetingbridge.support.Events.TIMESTAMP;
import static dev.meetingbridge.support.Problems.assertProblem;
import static dev.meetingbridge.support.Problems.assertValidationFailed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The participant endpoints of docs/api.md 'REST API': join, list and leave or remove,
 * with the events they publish.
 */
class ParticipantApiTests extends IntegrationTest {

	@Test
	void joiningReturnsTheTrimmedParticipantAndPublishesParticipantJoined() {
		String meeting = fixtures.activeMeetingWith();
		String alice = fixtures.participant("alice");
		Api.Response joined = api.as(tokens.participant(alice))
			.post("/api/meetings/" + meeting + "/participants", Map.of("displayName", "  Alice  "));
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		JsonNode participant = joined.json();
		assertThat(participant.propertyNames()).containsExactlyInAnyOrder("id", "displayName", "joinedAt");
		assertThat(participant.path("id").asString()).isEqualTo(alice);
		assertThat(participant.path("displayName").asString()).isEqualTo("Alice");
		assertThat(participant.path("joinedAt").asString()).matches(TIMESTAMP);
		JsonNode event = lastEvent(meeting);
		assertThat(event.path("type").asString()).isEqualTo("participant-joined");
		assertThat(event.path("meetingId").asString()).isEqualTo(meeting);
		assertThat(event.path("participant")).isEqualTo(participant);
		assertThat(participants(meeting).path(alice)).isEqualTo(participant);
	}

	@Test
	void rejoiningIsIdempotentAndPublishesNothing() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith();
		Api asAlice = api.as(tokens.participant(alice));
		JsonNode first = asAlice.post("/api/meetings/" + meeting + "/participants", Map.of("displayName", "Alice"))
			.json();
		long latest = latestSequence(meeting);
		Api.Response again = asAlice.post("/api/meetings/" + meeting + "/participants",
				Map.of("displayName", "Alice again"));
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.json()).isEqualTo(first);
		Api.Response byServer = api.post("/api/meetings/" + meeting + "/participants",
				Map.of("participantId", alice, "displayName", "Alice"));
		assertThat(byServer.status()).isEqualTo(200);
		assertThat(latestSequence(meeting)).isEqualTo(latest);
		assertThat(participants(meeting).size()).isEqualTo(1);
	}

	@Test
	void aServerTokenJoinsTheParticipantItNames() {
		String meeting = fixtures.activeMeetingWith();
		String bob = fixtures.participant("bob");
		Api.Response joined = api.post("/api/meetings/" + meeting + "/participants",
				Map.of("participantId", bob, "displayName", "Bob"));
		assertThat(joined.status()).isEqualTo(201);
		assertThat(joined.json().path("id").asString()).isEqualTo(bob);
		assertValidationFailed(api.post("/api/meetings/" + meeting + "/participants", Map.of("displayName", "Nobody")),
				"participantId");
	}

	@Test
	void aParticipantTokenMayNotJoinAsSomebodyElse() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith();
		Api.Response refused = api.as(tokens.participant(alice))
			.post("/api/meetings/" + meeting + "/participants", Map.of("participantId", "mallory", "displayName", "M"));
		assertProblem(refused, 403, "forbidden");
		Api.Response namingItself = api.as(tokens.participant(alice))
			.post("/api/meetings/" + meeting + "/participants", Map.of("participantId", alice, "displayName", "A"));
		assertThat(namingItself.status()).isEqualTo(201);
		assertThat(participants(meeting).propertyNames()).containsExactly(alice);
	}

	@Test
	void aTokenLimitedToAnotherRoomOrWithoutAllowJoinMayNotJoin() {
		String meeting = fixtures.activeMeetingWith();
		String alice = fixtures.participant("alice");
		Map<String, String> body = Map.of("displayName", "Alice");
		String path = "/api/meetings/" + meeting + "/participants";
		assertProblem(api.as(tokens.withPermissions(alice, EnumSet.of(Permission.ALLOW_JOIN), unique("other")))
			.post(path, body), 403, "forbidden");
		assertProblem(api.as(tokens.withPermissions(alice, Set.of(), null)).post(path, body), 403, "forbidden");
		assertThat(participants(meeting).size()).isZero();
		assertThat(latestSequence(meeting)).isZero();
		Api.Response inRoom = api.as(tokens.withPermissions(alice, EnumSet.of(Permission.ALLOW_JOIN), meeting))
			.post(path, body);
		assertThat(inRoom.status()).as(inRoom.toString()).isEqualTo(201);
	}

	@Test
	void invalidDisplayNamesAreRefusedNamingTheField() {
		String meeting = fixtures.activeMeetingWith();
		Api asAlice = api.as(tokens.participant(fixtures.participant("alice")));
		String path = "/api/meetings/" + meeting + "/participants";
		for (String name : List.of("", "   ", "x".repeat(101), "bell\u0007", "new\nline", "nul\u0000")) {
			assertValidationFailed(asAlice.post(path, Map.of("displayName", name)), "displayName");
		}
		assertValidationFailed(asAlice.post(path, Map.of()), "displayName");
		assertThat(participants(meeting).size()).isZero();
		assertThat(latestSequence(meeting)).isZero();
		assertThat(asAlice.post(path, Map.of("displayName", " " + "x".repeat(100) + " ")).status()).isEqualTo(201);
	}

	@Test
	void joiningAnEndedMeetingIsAConflictAndAnUnknownOneIsNotFound() {
		String meeting = fixtures.activeMeetingWith();
		api.post("/api/meetings/" + meeting + "/end");
		Api asAlice = api.as(tokens.participant(fixtures.participant("alice")));
		Map<String, String> body = Map.of("displayName", "Alice");
		assertProblem(asAlice.post("/api/meetings/" + meeting + "/participants", body), 409, "meeting-ended");
		assertProblem(asAlice.post("/api/meetings/" + unique("nowhere") + "/participants", body), 404,
				"meeting-not-found");
	}

	@Test
	void participantsAreListedAsAMapKeyedById() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String meeting = fixtures.activeMeetingWith(alice, bob);
		Api.Response response = api.as(tokens.participant(alice)).get("/api/meetings/" + meeting + "/participants");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().propertyNames()).containsExactly("participants");
		JsonNode participants = response.json().path("participants");
		assertThat(participants.propertyNames()).containsExactlyInAnyOrder(alice, bob);
		participants.properties().forEach((entry) -> {
			assertThat(entry.getValue().path("id").asString()).isEqualTo(entry.getKey());
			assertThat(entry.getValue().path("displayName").asString()).isEqualTo(entry.getKey());
			assertThat(entry.getValue().path("joinedAt").asString()).matches(TIMESTAMP);
		});
	}

	// ---- leave

	@Test
	void aParticipantLeavingPublishesParticipantLeftWithReasonLeft() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String meeting = fixtures.activeMeetingWith(alice, bob);
		JsonNode aliceBefore = participants(meeting).path(alice);
		Api.Response left = api.as(tokens.participant(alice))
			.delete("/api/meetings/" + meeting + "/participants/" + alice);
		assertThat(left.status()).as(left.toString()).isEqualTo(204);
		assertThat(participants(meeting).propertyNames()).containsExactly(bob);
		JsonNode event = lastEvent(meeting);
		assertThat(event.path("type").asString()).isEqualTo("participant-left");
		assertThat(event.path("reason").asString()).isEqualTo("left");
		assertThat(event.path("participant")).isEqualTo(aliceBefore);
	}

	@Test
	void aModeratingMemberRemovesAnotherWithReasonRemoved() {
		String mod = fixtures.participant("mod");
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(mod, alice);
		Api.Response removed = api.as(tokens.moderator(mod))
			.delete("/api/meetings/" + meeting + "/participants/" + alice);
		assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
		assertThat(participants(meeting).propertyNames()).containsExactly(mod);
		JsonNode event = lastEvent(meeting);
		assertThat(event.path("type").asString()).isEqualTo("participant-left");
		assertThat(event.path("participant").path("id").asString()).isEqualTo(alice);
		assertThat(event.path("reason").asString()).isEqualTo("removed");
	}

	@Test
	void removingAnotherNeedsAModeratingMember() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String meeting = fixtures.activeMeetingWith(alice, bob);
		long latest = latestSequence(meeting);
		String bobPath = "/api/meetings/" + meeting + "/participants/" + bob;
		assertProblem(api.as(tokens.participant(alice)).delete(bobPath), 403, "forbidden");
		assertProblem(api.as(tokens.moderator(fixtures.participant("outsider"))).delete(bobPath), 403, "forbidden");
		assertThat(participants(meeting).propertyNames()).containsExactlyInAnyOrder(alice, bob);
		assertThat(latestSequence(meeting)).isEqualTo(latest);
	}

	@Test
	void removingSomebodyWhoIsNotAMemberIsNotFound() {
		String mod = fixtures.participant("mod");
		String meeting = fixtures.activeMeetingWith(mod);
		assertProblem(api.as(tokens.moderator(mod)).delete("/api/meetings/" + meeting + "/participants/ghost"), 404,
				"participant-not-found");
		assertProblem(api.delete("/api/meetings/" + meeting + "/participants/ghost"), 404, "participant-not-found");
		assertProblem(api.delete("/api/meetings/" + unique("nowhere") + "/participants/ghost"), 404,
				"meeting-not-found");
		// An unknown meeting is reported before the token's lack of permission.
		assertProblem(
				api.as(tokens.participant(mod)).delete("/api/meetings/" + unique("nowhere") + "/participants/ghost"),
				404, "meeting-not-found");
		assertProblem(api.as(tokens.participant(mod)).delete("/api/meetings/" + meeting + "/participants/ghost"), 403,
				"forbidden");
	}

	private JsonNode participants(String meetingId) {
		return api.get("/api/meetings/" + meetingId + "/participants").json().path("participants");
	}

	private JsonNode lastEvent(String meetingId) {
		List<JsonNode> events = events(meetingId);
		assertThat(events).isNotEmpty();
		return events.getLast();
	}

}
