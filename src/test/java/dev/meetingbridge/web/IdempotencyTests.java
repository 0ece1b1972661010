package dev.meetingbridge.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.IdempotencyRecords;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.StompTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code Idempotency-Key} as a client that retries uses it: a repeat gets the first
 * answer byte for byte, marked {@code Idempotent-Replayed}, and makes no second event;
 * the key with another request is refused (422), one under way is refused for now (409
 * with {@code Retry-After}), a malformed one is refused (400); concurrent repeats make
 * one effect; the record outlives the instance that kept it, and a repeat finishes a
 * change whose instance died halfway.
 */
class IdempotencyTests extends IntegrationTest {

	@Autowired
	private IdempotencyRecords records;

	@Autowired
	private MeetingScripts scripts;

	@Autowired
	private StringRedisTemplate redis;

	@Test
	void aRepeatedChatPostsOneMessageAndGetsTheSameAnswerByteForByte() {
		Pair pair = connectedMeetings();
		Api alice = keyed(tokens.participant(pair.alice));
		String path = connections(pair.here) + "/" + pair.connection + "/chat-messages";
		Api.Response first = alice.post(path, Map.of("message", "hello once"));
		Api.Response repeat = alice.post(path, Map.of("message", "hello once"));
		assertReplayed(first, repeat, 201);
		assertThat(events(pair.there, "chat-message")).hasSize(1);
	}

	@Test
	void aRepeatedJoinLeaveConnectAndEndMakeOneEventEach() {
		String meeting = fixtures.activeMeetingWith();
		String bob = fixtures.participant("bob");
		Map<String, String> join = Map.of("participantId", bob, "displayName", "Bob");
		Api joining = keyed();
		Api.Response joined = joining.post("/api/meetings/" + meeting + "/participants", join);
		assertReplayed(joined, joining.post("/api/meetings/" + meeting + "/participants", join), 201);
		assertThat(events(meeting, "participant-joined")).hasSize(1);

		String other = fixtures.activeMeetingWith();
		Api connecting = keyed();
		Api.Response connected = connecting.post(connections(meeting), Map.of("meetingId", other));
		assertReplayed(connected, connecting.post(connections(meeting), Map.of("meetingId", other)), 201);
		assertThat(events(meeting, "connection-open")).hasSize(1);

		Api leaving = keyed();
		Api.Response left = leaving.delete("/api/meetings/" + meeting + "/participants/" + bob);
		assertReplayed(left, leaving.delete("/api/meetings/" + meeting + "/participants/" + bob), 204);
		assertThat(events(meeting, "participant-left")).hasSize(1);

		Api ending = keyed();
		Api.Response ended = ending.post("/api/meetings/" + meeting + "/end");
		assertReplayed(ended, ending.post("/api/meetings/" + meeting + "/end"), 200);
		assertThat(events(meeting, "meeting-ended")).hasSize(1);
	}

	@Test
	void aRepeatedCreateWithAGeneratedIdGetsTheSameMeeting() {
		Api creating = keyed();
		Api.Response created = creating.post("/api/meetings", Map.of());
		Api.Response repeat = creating.post("/api/meetings", Map.of());
		assertReplayed(created, repeat, 201);
		assertThat(repeat.json().path("id").asString()).isEqualTo(created.json().path("id").asString());
	}

	@Test
	void aRepeatedEndOverAConnectionAndACloseAnswerAsTheFirstDid() {
		Pair pair = connectedMeetings();
		Api moderator = keyed(tokens.moderator(pair.alice));
		String path = connections(pair.here) + "/" + pair.connection;
		Api.Response closed = moderator.delete(path);
		assertReplayed(closed, moderator.delete(path), 204);
		assertThat(events(pair.there, "connection-close")).hasSize(1);

		Pair again = connectedMeetings();
		Api ending = keyed(tokens.moderator(again.alice));
		String end = connections(again.here) + "/" + again.connection + "/end";
		assertReplayed(ending.post(end), ending.post(end), 200);
		assertThat(events(again.there, "meeting-ended")).hasSize(1);
	}

	@Test
	void theSameKeyForAnotherRequestIsRefusedAndChangesNothing() {
		Pair pair = connectedMeetings();
		Api alice = keyed(tokens.participant(pair.alice));
		String path = connections(pair.here) + "/" + pair.connection + "/chat-messages";
		assertThat(alice.post(path, Map.of("message", "first")).status()).isEqualTo(201);
		Api.Response otherBody = alice.post(path, Map.of("message", "second"));
		assertThat(otherBody.status()).as(otherBody.toString()).isEqualTo(422);
		assertThat(otherBody.code()).isEqualTo("idempotency-key-reused");
		assertThat(events(pair.there, "chat-message")).hasSize(1);
		// The same meeting, another method and path.
		Api.Response otherPath = alice.delete("/api/meetings/" + pair.there + "/participants/" + pair.alice);
		assertThat(otherPath.status()).as(otherPath.toString()).isEqualTo(422);
	}

	@Test
	void aMalformedKeyIsRefusedAndChangesNothing() {
		String meeting = fixtures.activeMeetingWith();
		for (String key : List.of("x".repeat(256), "tab\there")) {
			Api.Response refused = api.with(Idempotency.HEADER, key)
				.post("/api/meetings/" + meeting + "/participants",
						Map.of("participantId", fixtures.participant("p"), "displayName", "P"));
			assertThat(refused.status()).as(key + ": " + refused).isEqualTo(400);
			assertThat(refused.code()).isEqualTo("validation-failed");
		}
		assertThat(events(meeting, "participant-joined")).isEmpty();
	}

	@Test
	void concurrentRepeatsMakeOneEffect() throws Exception {
		Pair pair = connectedMeetings();
		Api alice = keyed(tokens.participant(pair.alice));
		String chat = connections(pair.here) + "/" + pair.connection + "/chat-messages";
		List<Api.Response> chats = all(8, () -> alice.post(chat, Map.of("message", "at once")));
		assertThat(chats).extracting(Api.Response::status).containsOnly(201);
		assertThat(chats).extracting(Api.Response::text).containsOnly(chats.get(0).text());
		assertThat(events(pair.there, "chat-message")).hasSize(1);

		Api creating = keyed();
		List<Api.Response> creates = all(8, () -> creating.post("/api/meetings", Map.of()));
		assertThat(creates).extracting(Api.Response::status).allMatch((status) -> status == 201 || status == 409);
		List<Api.Response> answered = creates.stream().filter((created) -> created.status() == 201).toList();
		assertThat(answered).isNotEmpty();
		assertThat(answered).extracting(Api.Response::text).containsOnly(answered.get(0).text());
		creates.stream()
			.filter((created) -> created.status() == 409)
			.forEach((busy) -> assertThat(busy.code()).isEqualTo("idempotency-key-in-progress"));
	}

	@Test
	void aKeyOutlivesTheInstanceThatKeptItsAnswer() {
		Pair pair = connectedMeetings();
		String key = UUID.randomUUID().toString();
		String path = connections(pair.here) + "/" + pair.connection + "/chat-messages";
		Api.Response first;
		try (BridgeInstance other = BridgeInstance.start()) {
			first = other.api(tokens.participant(pair.alice))
				.with(Idempotency.HEADER, key)
				.post(path, Map.of("message", "before the restart"));
		}
		Api.Response repeat = api.as(tokens.participant(pair.alice))
			.with(Idempotency.HEADER, key)
			.post(path, Map.of("message", "before the restart"));
		assertReplayed(first, repeat, 201);
		assertThat(events(pair.there, "chat-message")).hasSize(1);
	}

	@Test
	void aRepeatWhileTheFirstIsUnderWayIsAskedToRetryLater() {
		String meeting = fixtures.activeMeetingWith();
		String key = UUID.randomUUID().toString();
		Idempotency idempotency = serverKey(key, "/api/meetings/" + meeting + "/end");
		this.records.begin(this.records.onMeeting(meeting, idempotency), idempotency, meeting);
		Api.Response busy = api.with(Idempotency.HEADER, key).post("/api/meetings/" + meeting + "/end");
		assertThat(busy.status()).as(busy.toString()).isEqualTo(409);
		assertThat(busy.code()).isEqualTo("idempotency-key-in-progress");
		assertThat(Long.parseLong(busy.header("Retry-After"))).isBetween(1L, 10L);
		assertThat(events(meeting, "meeting-ended")).isEmpty();
	}

	@Test
	void aRepeatAfterTheFirstAttemptsInstanceDiedHalfwayFinishesTheChange() {
		// The first attempt ended the meeting (its first step) and died there: the other
		// side's connection still open, no meeting-ended published.
		Pair pair = connectedMeetings();
		String key = UUID.randomUUID().toString();
		String path = "/api/meetings/" + pair.here + "/end";
		Idempotency idempotency = serverKey(key, path);
		String record = this.records.onMeeting(pair.here, idempotency);
		this.records.begin(record, idempotency, pair.here);
		this.scripts.run(MeetingScript.END_MEETING, pair.here, this.scripts.now(), idempotency.recordId());
		assertThat(api.post("/api/meetings/" + pair.here + "/end").code()).as("ended, for anyone else")
			.isEqualTo("meeting-ended");
		// Its lease runs out, as it does when its instance is gone.
		this.redis.opsForHash().put(record, "lease", "0");

		Api.Response repeat = api.with(Idempotency.HEADER, key).post(path);
		assertThat(repeat.status()).as(repeat.toString()).isEqualTo(200);
		assertThat(repeat.json().path("status").asString()).isEqualTo("ended");
		assertThat(events(pair.here, "meeting-ended")).hasSize(1);
		assertThat(events(pair.there, "connection-close")).as("the other side closed too").hasSize(1);
		assertReplayed(repeat, api.with(Idempotency.HEADER, key).post(path), 200);
	}

	@Test
	void aRepeatedStompSendMakesOneEffect() {
		Pair pair = connectedMeetings();
		try (StompTestClient alice = stomp(tokens.participant(pair.alice))) {
			String destination = "/app/meetings/" + pair.here + "/connections/" + pair.connection + "/chat-messages";
			Map<String, String> key = Map.of("idempotency-key", UUID.randomUUID().toString());
			alice.send(destination, Map.of("message", "once over STOMP"), key);
			alice.send(destination, Map.of("message", "once over STOMP"), key);
			alice.send(destination, Map.of("message", "a second one, with no key"));
			await().atMost(Duration.ofSeconds(10)).until(() -> events(pair.there, "chat-message").size() == 2);
			alice.sync();
			assertThat(events(pair.there, "chat-message"))
				.extracting((event) -> event.path("message").path("message").asString())
				.containsExactly("once over STOMP", "a second one, with no key");
		}
	}

	/** Meeting {@code here} (member alice) connected to {@code there}. */
	private Pair connectedMeetings() {
		String alice = fixtures.participant("alice");
		String here = fixtures.activeMeetingWith(alice);
		String there = fixtures.activeMeetingWith(fixtures.participant("bob"));
		return new Pair(alice, here, there, fixtures.connect(here, there));
	}

	private record Pair(String alice, String here, String there, String connection) {
	}

	/** The server's client, with a fresh key. */
	private Api keyed() {
		return keyed(tokens.server());
	}

	private Api keyed(String token) {
		return api.as(token).with(Idempotency.HEADER, UUID.randomUUID().toString());
	}

	/** The key of the server token's request without a body, as the bridge derives it. */
	private static Idempotency serverKey(String key, String path) {
		return Idempotency.of(key, BridgePrincipal.server("server").subject(), "POST", path, "");
	}

	/** The first answer succeeded; a repeat (if any) is the same answer, replayed. */
	private static void assertReplayed(Api.Response first, Api.Response repeat, int status) {
		assertThat(first.status()).as(first.toString()).isEqualTo(status);
		assertThat(first.header(ReplayedAnswers.HEADER)).isNull();
		if (repeat != null) {
			assertThat(repeat.status()).as(repeat.toString()).isEqualTo(status);
			assertThat(repeat.text()).isEqualTo(first.text());
			assertThat(repeat.header(ReplayedAnswers.HEADER)).isEqualTo("true");
		}
	}

	private static List<Api.Response> all(int count, Callable<Api.Response> call) throws Exception {
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<Api.Response>> futures = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				futures.add(executor.submit(call));
			}
			List<Api.Response> responses = new ArrayList<>();
			for (Future<Api.Response> future : futures) {
				responses.add(future.get());
			}
			return responses;
		}
	}

}
