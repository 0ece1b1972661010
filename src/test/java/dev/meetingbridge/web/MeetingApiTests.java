package dev.meetingbridge.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.meetingbridge.support.Events.TIMESTAMP;
import static dev.meetingbridge.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meeting endpoints of docs/api.md 'REST API': create, list and read.
 */
class MeetingApiTests extends IntegrationTest {

	private static final String GENERATED_ID = "^[a-z]{4}-[a-z]{4}-[a-z]{4}$";

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

}
