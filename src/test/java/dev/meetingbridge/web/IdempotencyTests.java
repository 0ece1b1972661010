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
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.StompTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code Idempotency-Key} as a client that retries uses it: a repeat gets the first
 * answer byte for byte, marked {@code Idempotent-Replayed}, and makes no second event;
 * the key with another request is refused (422), one under way is refused for now (409
 * with {@code Retry-After}), a malformed one is refused (400); concurrent repeats make
 * one effect, over REST and STOMP ({@link IdempotencyRecoveryTests}: keys under way or
 * outliving their instance).
 */
class IdempotencyTests extends IdempotencyFixture {

	@Test
	void aRepeatedChatPostsOneMessageAndGetsTheSameAnswerByteForByte() {
		Pair pair = connectedMeetings();
		Api alice = keyed(tokens.participant(pair.alice()));
		String path = connections(pair.here()) + "/" + pair.connection() + "/chat-messages";
		Api.Response first = alice.post(path, Map.of("message", "hello once"));
		Api.Response repeat = alice.post(path, Map.of("message", "hello once"));
		assertReplayed(first, repeat, 201);
		assertThat(events(pair.there(), "chat-message")).hasSize(1);
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
		Api moderator = keyed(tokens.moderator(pair.alice()));
		String path = connections(pair.here()) + "/" + pair.connection();
		Api.Response closed = moderator.delete(path);
		assertReplayed(closed, moderator.delete(path), 204);
		assertThat(events(pair.there(), "connection-close")).hasSize(1);

		Pair again = connectedMeetings();
		Api ending = keyed(tokens.moderator(again.alice()));
		String end = connections(again.here()) + "/" + again.connection() + "/end";
		assertReplayed(ending.post(end), ending.post(end), 200);
		assertThat(events(again.there(), "meeting-ended")).hasSize(1);
	}

	@Test
	void theSameKeyForAnotherRequestIsRefusedAndChangesNothing() {
		Pair pair = connectedMeetings();
		Api alice = keyed(tokens.participant(pair.alice()));
		String path = connections(pair.here()) + "/" + pair.connection() + "/chat-messages";
		assertThat(alice.post(path, Map.of("message", "first")).status()).isEqualTo(201);
		Api.Response otherBody = alice.post(path, Map.of("message", "second"));
		assertThat(otherBody.status()).as(otherBody.toString()).isEqualTo(422);
		assertThat(otherBody.code()).isEqualTo("idempotency-key-reused");
		assertThat(events(pair.there(), "chat-message")).hasSize(1);
		// The same meeting, another method and path.
		Api.Response otherPath = alice.delete("/api/meetings/" + pair.there() + "/participants/" + pair.alice());
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
		Api alice = keyed(tokens.participant(pair.alice()));
		String chat = connections(pair.here()) + "/" + pair.connection() + "/chat-messages";
		List<Api.Response> chats = all(8, () -> alice.post(chat, Map.of("message", "at once")));
		assertThat(chats).extracting(Api.Response::status).containsOnly(201);
		assertThat(chats).extracting(Api.Response::text).containsOnly(chats.get(0).text());
		assertThat(events(pair.there(), "chat-message")).hasSize(1);

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
	void aRepeatedStompSendMakesOneEffect() {
		Pair pair = connectedMeetings();
		try (StompTestClient alice = stomp(tokens.participant(pair.alice()))) {
			String destination = "/app/meetings/" + pair.here() + "/connections/" + pair.connection()
					+ "/chat-messages";
			Map<String, String> key = Map.of("idempotency-key", UUID.randomUUID().toString());
			alice.send(destination, Map.of("message", "once over STOMP"), key);
			alice.send(destination, Map.of("message", "once over STOMP"), key);
			alice.send(destination, Map.of("message", "a second one, with no key"));
			await().atMost(Duration.ofSeconds(10)).until(() -> events(pair.there(), "chat-message").size() == 2);
			alice.sync();
			assertThat(events(pair.there(), "chat-message"))
				.extracting((event) -> event.path("message").path("message").asString())
				.containsExactly("once over STOMP", "a second one, with no key");
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
