package dev.meetingbridge.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.meetingbridge.security.Permission;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.meetingbridge.support.Problems.assertProblem;
import static dev.meetingbridge.support.Problems.assertValidationFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meeting endpoints of README 'REST API': create, list, read, join, leave, end and
 * history.
 */
class MeetingApiTests extends IntegrationTest {

	static final String TIMESTAMP = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$";

	private static final String GENERATED_ID = "^[a-z]{4}-[a-z]{4}-[a-z]{4}$";

	// ---- create

	@Test
	void creatingWithAnIdReturnsTheNewActiveMeeting() {
		String id = unique("create");
		Api.Response created = api.post("/api/meetings", Map.of("meetingId", id));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		JsonNode meeting = created.json();
		assertThat(meeting.path("id").asString()).isEqualTo(id);
		assertThat(meeting.path("status").asString()).isEqualTo("active");
		assertThat(meeting.path("createdAt").asString()).matches(TIMESTAMP);
		assertThat(meeting.has("endedAt")).isFalse();
		assertThat(meeting.path("participants").isObject()).isTrue();
		assertThat(meeting.path("participants").size()).isZero();
		assertThat(meeting.path("connections").isArray()).isTrue();
		assertThat(meeting.path("connections").size()).isZero();
		assertThat(api.get("/api/meetings/" + id).json()).isEqualTo(meeting);
	}

	@Test
	void creatingWithoutAnIdGeneratesOneOfThreeLowerCaseGroups() {
		List<Api.Response> created = List.of(api.post("/api/meetings"),
				api.postRaw("/api/meetings", "", "application/json"), api.post("/api/meetings", Map.of()));
		assertThat(created).allSatisfy((response) -> {
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
			assertThat(response.json().path("id").asString()).matches(GENERATED_ID);
			assertThat(api.get("/api/meetings/" + response.json().path("id").asString()).status()).isEqualTo(200);
		});
		assertThat(created.stream().map((response) -> response.json().path("id").asString()).distinct()).hasSize(3);
	}

	@Test
	void creatingATakenIdIsAConflictThatChangesNothing() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		JsonNode before = api.get("/api/meetings/" + meeting).json();
		Api.Response again = api.post("/api/meetings", Map.of("meetingId", meeting));
		assertProblem(again, 409, "meeting-exists");
		assertThat(api.get("/api/meetings/" + meeting).json()).isEqualTo(before);
	}

	@Test
	void creatingNeedsAllowModOrAServerToken() {
		String refusedId = unique("refused");
		Api.Response refused = api.as(tokens.participant(fixtures.participant("joiner")))
			.post("/api/meetings", Map.of("meetingId", refusedId));
		assertProblem(refused, 403, "forbidden");
		assertProblem(api.get("/api/meetings/" + refusedId), 404, "meeting-not-found");
		String moderatedId = unique("moderated");
		Api.Response created = api.as(tokens.moderator(fixtures.participant("mod")))
			.post("/api/meetings", Map.of("meetingId", moderatedId));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.json().path("id").asString()).isEqualTo(moderatedId);
	}

	// ---- list

	@Test
	void listingMeetingsNeedsAServerToken() {
		assertProblem(api.as(tokens.moderator(fixtures.participant("mod"))).get("/api/meetings"), 403, "forbidden");
		assertProblem(api.as(tokens.participant(fixtures.participant("joiner"))).get("/api/meetings"), 403,
				"forbidden");
	}

	@Test
	void pagingVisitsEveryMeetingExactlyOnceNewestFirst() {
		List<String> mine = createOneAfterAnother(7);
		List<JsonNode> pages = new ArrayList<>();
		List<JsonNode> listed = new ArrayList<>();
		String cursor = null;
		do {
			Api.Response page = api.get("/api/meetings?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			pages.add(page.json());
			page.json().path("meetings").forEach(listed::add);
			cursor = page.json().has("nextCursor") ? page.json().path("nextCursor").asString() : null;
			assertThat(pages).as("paging terminates").hasSizeLessThan(10_000);
		}
		while (cursor != null);
		assertThat(pages.subList(0, pages.size() - 1))
			.allSatisfy((page) -> assertThat(page.path("meetings").size()).isEqualTo(3));
		assertThat(pages.get(pages.size() - 1).path("meetings").size()).isBetween(1, 3);
		List<String> ids = listed.stream().map((meeting) -> meeting.path("id").asString()).toList();
		assertThat(ids).doesNotHaveDuplicates().containsAll(mine);
		assertThat(ids.stream().filter(mine::contains).toList()).containsExactlyElementsOf(mine.reversed());
		List<String> createdAts = listed.stream().map((meeting) -> meeting.path("createdAt").asString()).toList();
		assertThat(createdAts).isSortedAccordingTo(Comparator.reverseOrder());
	}

	@Test
	void listedMeetingsAreSummaries() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice, fixtures.participant("bob"));
		fixtures.connect(meeting, fixtures.activeMeetingWith(fixtures.participant("carol")));
		JsonNode summary = listAll("status=active").get(meeting);
		assertThat(summary.path("status").asString()).isEqualTo("active");
		assertThat(summary.path("createdAt").asString()).matches(TIMESTAMP);
		assertThat(summary.has("endedAt")).isFalse();
		assertThat(summary.path("participantCount").asLong()).isEqualTo(2);
		assertThat(summary.path("connectionCount").asLong()).isEqualTo(1);
		assertThat(api.get("/api/meetings").json().path("meetings").size()).isBetween(1, 100);
	}

	@Test
	void theStatusFilterSeparatesActiveFromEndedMeetings() {
		String active = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String ended = fixtures.activeMeetingWith(fixtures.participant("bob"));
		assertThat(api.post("/api/meetings/" + ended + "/end").status()).isEqualTo(200);
		Map<String, JsonNode> endedOnes = listAll("status=ended");
		assertThat(endedOnes).containsKey(ended).doesNotContainKey(active);
		assertThat(endedOnes.values()).allSatisfy((summary) -> {
			assertThat(summary.path("status").asString()).isEqualTo("ended");
			assertThat(summary.path("endedAt").asString()).matches(TIMESTAMP);
		});
		Map<String, JsonNode> activeOnes = listAll("status=active");
		assertThat(activeOnes).containsKey(active).doesNotContainKey(ended);
		assertThat(activeOnes.values())
			.allSatisfy((summary) -> assertThat(summary.path("status").asString()).isEqualTo("active"));
		assertThat(listAll("")).containsKeys(active, ended);
		assertProblem(api.get("/api/meetings?status=paused"), 400, "validation-failed");
	}

	@Test
	void limitsOutsideOneToFiveHundredAndForeignCursorsAreRefused() {
		// Base64 of "nope", "NaN:abc" and "1e999:abc": bm9wZQ, TmFOOmFiYw, MWU5OTk6YWJj.
		for (String query : List.of("limit=0", "limit=501", "limit=-1", "limit=ten", "cursor=not-a-cursor",
				"cursor=bm9wZQ", "cursor=%21%21", "cursor=TmFOOmFiYw", "cursor=MWU5OTk6YWJj")) {
			Api.Response response = api.get("/api/meetings?" + query);
			assertProblem(response, 400, "validation-failed");
		}
		assertThat(api.get("/api/meetings?limit=1").status()).isEqualTo(200);
		assertThat(api.get("/api/meetings?limit=500").status()).isEqualTo(200);
	}

	// ---- read

	@Test
	void membersAndServerTokensMayReadAMeetingOthersMayNot() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		Api asAlice = api.as(tokens.participant(alice));
		Api asStranger = api.as(tokens.moderator(fixtures.participant("stranger")));
		assertThat(asAlice.get("/api/meetings/" + meeting).status()).isEqualTo(200);
		assertThat(asAlice.get("/api/meetings/" + meeting).json().path("participants").has(alice)).isTrue();
		assertThat(api.get("/api/meetings/" + meeting).status()).isEqualTo(200);
		for (String path : List.of("", "/participants", "/events", "/connections")) {
			assertThat(asAlice.get("/api/meetings/" + meeting + path).status()).as(path).isEqualTo(200);
			assertProblem(asStranger.get("/api/meetings/" + meeting + path), 403, "forbidden");
		}
		assertProblem(api.get("/api/meetings/" + unique("nowhere")), 404, "meeting-not-found");
		assertProblem(asAlice.get("/api/meetings/" + unique("nowhere")), 404, "meeting-not-found");
	}

	@Test
	void membersOfAConnectedMeetingMayReadItUntilTheConnectionCloses() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String meetingA = fixtures.activeMeetingWith(alice);
		String meetingB = fixtures.activeMeetingWith(bob);
		String connection = fixtures.connect(meetingA, meetingB);
		Api asAlice = api.as(tokens.participant(alice));
		Api asBob = api.as(tokens.participant(bob));
		for (String path : List.of("", "/participants", "/events", "/connections")) {
			assertThat(asAlice.get("/api/meetings/" + meetingB + path).status()).as(path).isEqualTo(200);
			assertThat(asBob.get("/api/meetings/" + meetingA + path).status()).as(path).isEqualTo(200);
		}
		assertThat(asAlice.get("/api/meetings/" + meetingB).json().path("participants").has(bob)).isTrue();
		assertThat(api.delete("/api/meetings/" + meetingA + "/connections/" + connection).status()).isEqualTo(204);
		assertProblem(asAlice.get("/api/meetings/" + meetingB), 403, "forbidden");
		assertProblem(asBob.get("/api/meetings/" + meetingA), 403, "forbidden");
	}

	// ---- join

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

	// ---- end

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

	// ---- history

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

	// ---- helpers

	/** Meetings created in order, each with a later creation time than the one before. */
	private List<String> createOneAfterAnother(int count) {
		List<String> ids = new ArrayList<>();
		Instant previous = Instant.EPOCH;
		for (int i = 0; i < count; i++) {
			Instant last = previous;
			await().pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(1))
				.atMost(Duration.ofSeconds(2))
				.until(() -> Instant.now().toEpochMilli() > last.toEpochMilli());
			String id = unique("page");
			Api.Response created = api.post("/api/meetings", Map.of("meetingId", id));
			assertThat(created.status()).isEqualTo(201);
			previous = Instant.parse(created.json().path("createdAt").asString());
			ids.add(id);
		}
		return ids;
	}

	/** Every listed meeting for the query, by id, following the cursors. */
	private Map<String, JsonNode> listAll(String query) {
		Map<String, JsonNode> all = new HashMap<>();
		String cursor = null;
		do {
			Api.Response page = api
				.get("/api/meetings?limit=500&" + query + (cursor == null ? "" : "&cursor=" + cursor));
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			page.json().path("meetings").forEach((summary) -> all.put(summary.path("id").asString(), summary));
			cursor = page.json().has("nextCursor") ? page.json().path("nextCursor").asString() : null;
		}
		while (cursor != null);
		return all;
	}

	private JsonNode participants(String meetingId) {
		return api.get("/api/meetings/" + meetingId + "/participants").json().path("participants");
	}

	private List<JsonNode> events(String meetingId, long after) {
		return api.get("/api/meetings/" + meetingId + "/events?limit=1000&after=" + after)
			.json()
			.path("events")
			.values()
			.stream()
			.toList();
	}

	private JsonNode lastEvent(String meetingId) {
		List<JsonNode> events = events(meetingId, latestSequence(meetingId) - 1);
		assertThat(events).hasSize(1);
		return events.get(0);
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
