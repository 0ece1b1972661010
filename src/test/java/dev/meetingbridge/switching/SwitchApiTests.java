package dev.meetingbridge.switching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.StompTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code switchTo} across connected meetings: the ask reaches every live session of the
 * participant on every instance, each refusal changes nothing, and a move leaves the
 * participant in exactly one meeting, its presence with it, also when the instance
 * carrying it out stops between the two halves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { SwitchApiTests.GRACE, SwitchApiTests.LEASE })
class SwitchApiTests extends IntegrationTest {

	static final String GRACE = "bridge.presence.grace=1s";

	static final String LEASE = "bridge.presence.lease-ttl=3s";

	private static final Duration TAKEN_OVER = Duration.ofSeconds(30);

	private static BridgeInstance other;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private RedisKeys keys;

	@BeforeAll
	static void secondInstance() {
		other = BridgeInstance.start(GRACE, LEASE);
	}

	@AfterAll
	static void stopSecondInstance() {
		other.close();
	}

	/** Meeting A with a moderator, meeting B with the participant, A connected to B. */
	private record Connected(String a, String b, String connection, String moderator, String participant) {

		String switchPath() {
			return "/api/meetings/" + this.a + "/connections/" + this.connection + "/participants/" + this.participant
					+ "/switch";
		}

	}

	private Connected connectedWith(String participant) {
		String moderator = this.fixtures.participant("mod");
		String a = this.fixtures.activeMeetingWith(moderator);
		String b = this.fixtures.activeMeetingWith(participant);
		return new Connected(a, b, this.fixtures.connect(a, b), moderator, participant);
	}

	private Api otherApi(String token) {
		return new Api("http://localhost:" + other.port(), token);
	}

	private StompTestClient stompOnOther(String token) {
		return StompTestClient.connect("ws://localhost:" + other.port() + "/ws", token);
	}

	private List<String> members(String meetingId) {
		return ids(this.api.get("/api/meetings/" + meetingId).json().path("participants"));
	}

	private static Map<String, Object> body(Object... pairs) {
		Map<String, Object> body = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			body.put((String) pairs[i], pairs[i + 1]);
		}
		return body;
	}

	@Test
	void askingReachesEveryLiveSessionOfTheParticipantOnEveryInstanceAndMovesNobody() {
		String p = this.fixtures.participant("p");
		Connected c = connectedWith(p);
		String target = this.fixtures.activeMeetingWith();
		try (StompTestClient here = stomp(this.tokens.participant(p));
				StompTestClient there = stompOnOther(this.tokens.participant(p));
				StompTestClient bystander = stomp(this.tokens.participant(this.fixtures.participant("q")))) {
			StompTestClient.Received hereQueue = here.subscribe("/user/queue/switch-meeting");
			StompTestClient.Received thereQueue = there.subscribe("/user/queue/switch-meeting");
			StompTestClient.Received bystanderQueue = bystander.subscribe("/user/queue/switch-meeting");
			long before = latestSequence(c.b());

			Api.Response answer = this.fixtures.as(this.tokens.moderator(c.moderator()))
				.post(c.switchPath(), body("meetingId", target, "token", "target-token", "payload", "come over"));

			assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
			assertThat(answer.json().path("sessions").asInt()).isEqualTo(2);
			String switchId = answer.json().path("switchId").asString();
			for (StompTestClient.Received queue : List.of(hereQueue, thereQueue)) {
				JsonNode message = queue.await((m) -> switchId.equals(m.path("switchId").asString()));
				assertThat(message.path("meetingId").asString()).isEqualTo(target);
				assertThat(message.path("token").asString()).isEqualTo("target-token");
				assertThat(message.path("payload").asString()).isEqualTo("come over");
				assertThat(message.path("connectionParticipantId").asString()).isEqualTo(c.moderator());
				assertThat(message.path("connectionMeetingId").asString()).isEqualTo(c.a());
				assertThat(message.path("moved").asBoolean()).isFalse();
			}
			here.sync();
			bystander.sync();
			assertThat(bystanderQueue.messages()).isEmpty();
			assertThat(members(c.b())).contains(p);
			assertThat(latestSequence(c.b())).isEqualTo(before);
		}
	}

	@Test
	void askingAParticipantWithoutSessionsReachesNone() {
		String p = this.fixtures.participant("p");
		Connected c = connectedWith(p);
		String target = this.fixtures.activeMeetingWith();

		Api.Response answer = this.api.post(c.switchPath(), body("meetingId", target));

		assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
		assertThat(answer.json().path("sessions").asInt()).isZero();
		assertThat(answer.json().path("switchId").asString()).isNotEmpty();
	}

	@Test
	void aRepeatWithTheSameIdempotencyKeyGetsTheFirstAnswerAndNeitherAsksNorMovesTwice() {
		String p = this.fixtures.participant("p");
		Connected c = connectedWith(p);
		String target = this.fixtures.activeMeetingWith();
		Api moderator = this.fixtures.as(this.tokens.moderator(c.moderator()));
		try (StompTestClient session = stomp(this.tokens.participant(p))) {
			StompTestClient.Received queue = session.subscribe("/user/queue/switch-meeting");
			Api asking = moderator.with("Idempotency-Key", "ask-" + p);

			Api.Response asked = asking.post(c.switchPath(), body("meetingId", target, "payload", "once"));
			Api.Response askedAgain = asking.post(c.switchPath(), body("meetingId", target, "payload", "once"));

			assertReplayed(asked, askedAgain);
			session.sync();
			assertThat(queue.messages()).hasSize(1);
			assertRefused(asking.post(c.switchPath(), body("meetingId", target, "payload", "other")), 422,
					"idempotency-key-reused");

			Api moving = moderator.with("Idempotency-Key", "move-" + p);
			Api.Response moved = moving.post(c.switchPath(), body("meetingId", target, "move", true));
			Api.Response movedAgain = moving.post(c.switchPath(), body("meetingId", target, "move", true));

			assertReplayed(moved, movedAgain);
			assertThat(members(target)).containsExactly(p);
			assertThat(members(c.b())).doesNotContain(p);
			assertThat(events(c.b(), "participant-left")).hasSize(1);
			assertThat(events(target, "participant-joined")).hasSize(1);
			session.sync();
			assertThat(queue.messages()).hasSize(2);
		}
	}

	private static void assertReplayed(Api.Response first, Api.Response repeat) {
		assertThat(first.status()).as(first.toString()).isEqualTo(202);
		assertThat(first.header("Idempotent-Replayed")).isNull();
		assertThat(repeat.status()).as(repeat.toString()).isEqualTo(202);
		assertThat(repeat.text()).isEqualTo(first.text());
		assertThat(repeat.header("Idempotent-Replayed")).isEqualTo("true");
	}

	@Test
	void eachRefusalSaysWhyAndChangesNothing() {
		String p = this.fixtures.participant("p");
		Connected c = connectedWith(p);
		String target = this.fixtures.activeMeetingWith();
		String ended = this.fixtures.activeMeetingWith();
		assertThat(this.api.post("/api/meetings/" + ended + "/end").status()).isEqualTo(200);
		Api moderator = this.fixtures.as(this.tokens.moderator(c.moderator()));
		long sequenceB = latestSequence(c.b());
		long sequenceTarget = latestSequence(target);
		String base = "/api/meetings/" + c.a() + "/connections/" + c.connection() + "/participants/";

		assertRefused(moderator.post(base + c.moderator() + "/switch", body("meetingId", target)), 404,
				"participant-not-found");
		assertRefused(moderator.post(c.switchPath(), body("meetingId", "no-such-" + target)), 404, "meeting-not-found");
		assertRefused(moderator.post(c.switchPath(), body("meetingId", ended, "move", true)), 409, "meeting-ended");
		assertRefused(moderator.post(c.switchPath(), body("meetingId", target, "payload", "x".repeat(4097))), 400,
				"validation-failed");
		assertRefused(moderator.post(c.switchPath(), body("meetingId", target, "token", 42)), 400, "validation-failed");
		assertRefused(moderator.post(c.switchPath(), body("payload", "where?")), 400, "validation-failed");
		assertRefused(moderator.post(c.switchPath(), body("meetingId", c.b(), "move", true)), 400, "validation-failed");
		assertRefused(moderator.postRaw(c.switchPath(), "{\"meetingId\":", "application/json"), 400, "malformed-json");
		assertRefused(this.fixtures.as(this.tokens.participant(c.moderator()))
			.post(c.switchPath(), body("meetingId", target)), 403, "forbidden");
		assertRefused(this.fixtures.as(this.tokens.moderator(this.fixtures.participant("stranger")))
			.post(c.switchPath(), body("meetingId", target)), 403, "forbidden");
		assertRefused(moderator.post("/api/meetings/" + c.a() + "/connections/c_nothing/participants/" + p + "/switch",
				body("meetingId", target)), 404, "connection-not-found");
		assertThat(this.api.delete(connections(c.a()) + "/" + c.connection()).status()).isEqualTo(204);
		assertRefused(moderator.post(c.switchPath(), body("meetingId", target, "move", true)), 409,
				"connection-closed");

		assertThat(members(c.b())).containsExactly(p);
		assertThat(members(target)).isEmpty();
		assertThat(latestSequence(c.b())).isEqualTo(sequenceB + 1);
		assertThat(events(c.b()).get(events(c.b()).size() - 1).path("type").asString()).isEqualTo("connection-close");
		assertThat(latestSequence(target)).isEqualTo(sequenceTarget);
	}

	private static void assertRefused(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void aMoveMakesTheParticipantLeaveAndJoinOnceAndItsPresenceFollowsItsSessionOnAnotherInstance() {
		String p = this.fixtures.participant("p");
		String moderator = this.fixtures.participant("mod");
		String a = this.fixtures.activeMeetingWith(moderator);
		String b = this.fixtures.activeMeetingWith();
		String connection = this.fixtures.connect(a, b);
		String target = this.fixtures.activeMeetingWith();
		try (StompTestClient session = stompOnOther(this.tokens.participant(p));
				StompTestClient observer = stomp(this.tokens.server())) {
			StompTestClient.Received queue = session.subscribe("/user/queue/switch-meeting");
			session.send("/app/meetings/" + b + "/join", Map.of("displayName", "Pat"));
			await().until(() -> members(b).contains(p));
			StompTestClient.Received leftB = observer.subscribe("/topic/meetings/" + b + "/participant-left");
			StompTestClient.Received joinedTarget = observer
				.subscribe("/topic/meetings/" + target + "/participant-joined");

			Api.Response answer = this.fixtures.as(this.tokens.moderator(moderator))
				.post("/api/meetings/" + a + "/connections/" + connection + "/participants/" + p + "/switch",
						body("meetingId", target, "payload", "moved", "move", true));

			assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
			assertThat(answer.json().path("sessions").asInt()).isEqualTo(1);
			// Once the call answered, the participant is in the target and nowhere else.
			assertThat(members(target)).containsExactly(p);
			assertThat(members(b)).doesNotContain(p);
			JsonNode left = leftB.await((e) -> p.equals(e.path("participant").path("id").asString()));
			assertThat(left.path("reason").asString()).isEqualTo("switched");
			assertThat(left.path("to").asString()).isEqualTo(target);
			JsonNode joined = joinedTarget.await((e) -> p.equals(e.path("participant").path("id").asString()));
			assertThat(joined.path("from").asString()).isEqualTo(b);
			assertThat(joined.path("participant").path("displayName").asString()).isEqualTo("Pat");
			JsonNode message = queue.await((m) -> m.path("moved").asBoolean());
			assertThat(message.path("meetingId").asString()).isEqualTo(target);
			assertThat(this.redis.<String, String>opsForHash().get(this.keys.presence(target), p)).endsWith("|bound");
			assertThat(this.redis.<String, String>opsForHash().get(this.keys.presence(b), p)).isNull();

			// The session that was bound to the participant in B is bound to it in the
			// target: when it ends, the participant leaves the target.
			StompTestClient.Received leftTarget = observer.subscribe("/topic/meetings/" + target + "/participant-left");
			session.closeSocket();
			JsonNode gone = leftTarget.await((e) -> p.equals(e.path("participant").path("id").asString()));
			assertThat(gone.path("reason").asString()).isEqualTo("disconnected");
		}
		assertThat(events(b, "participant-left")).hasSize(1);
		assertThat(events(target, "participant-joined")).hasSize(1);
	}

	@Test
	void aMoveStoppedBetweenItsHalvesIsFinishedByAnotherInstance() throws Exception {
		String p = this.fixtures.participant("p");
		Connected c = connectedWith(p);
		String target = this.fixtures.activeMeetingWith();
		try (StompTestClient session = stomp(this.tokens.participant(p))) {
			StompTestClient.Received queue = session.subscribe("/user/queue/switch-meeting");
			CompletableFuture<Api.Response> call = stalledMove(c, target);

			await().until(() -> !members(c.b()).contains(p));
			await().atMost(TAKEN_OVER).until(() -> members(target).contains(p));
			JsonNode message = queue.await((m) -> m.path("moved").asBoolean());
			assertThat(message.path("meetingId").asString()).isEqualTo(target);
			release(call, 503);
		}
		finally {
			restoreOther();
		}
		assertThat(members(c.b())).doesNotContain(p);
		assertThat(events(c.b(), "participant-left")).singleElement()
			.satisfies((e) -> assertThat(e.path("reason").asString()).isEqualTo("switched"));
		assertThat(events(target, "participant-joined")).singleElement()
			.satisfies((e) -> assertThat(e.path("from").asString()).isEqualTo(c.b()));
		assertThat(this.redis.opsForZSet().range(this.keys.switchesPending(), 0, -1)).isEmpty();
	}

	@Test
	void aMoveStoppedBetweenItsHalvesWhoseTargetEndedIsUndoneByAnotherInstance() throws Exception {
		String p = this.fixtures.participant("p");
		Connected c = connectedWith(p);
		String target = this.fixtures.activeMeetingWith();
		try {
			CompletableFuture<Api.Response> call = stalledMove(c, target);
			await().until(() -> !members(c.b()).contains(p));
			assertThat(this.api.post("/api/meetings/" + target + "/end").status()).isEqualTo(200);

			await().atMost(TAKEN_OVER).until(() -> members(c.b()).contains(p));
			release(call, 503);
		}
		finally {
			restoreOther();
		}
		assertThat(events(target, "participant-joined")).isEmpty();
		assertThat(events(c.b(), "participant-joined")).last()
			.satisfies((e) -> assertThat(e.path("from").isMissingNode()).isTrue());
	}

	/**
	 * A repeat with the Idempotency-Key of a move whose instance stopped after the first
	 * half (the move then finished by this instance's recovery) takes the attempt over
	 * once its lease ran out: it answers for that move (the same switch id), does not
	 * move the participant again, and later repeats replay its answer.
	 */
	@Test
	void aRepeatTakingOverAMoveWhoseInstanceStoppedAnswersForThatMove() throws Exception {
		String p = this.fixtures.participant("p");
		Connected c = connectedWith(p);
		String target = this.fixtures.activeMeetingWith();
		String key = "stalled-" + p;
		Api moving = this.fixtures.as(this.tokens.moderator(c.moderator())).with("Idempotency-Key", key);
		try (StompTestClient session = stomp(this.tokens.participant(p))) {
			StompTestClient.Received queue = session.subscribe("/user/queue/switch-meeting");
			CompletableFuture<Api.Response> call = stalledMove(c, target, key);
			await().atMost(TAKEN_OVER).until(() -> members(target).contains(p));
			String switchId = queue.await((m) -> m.path("moved").asBoolean()).path("switchId").asString();

			AtomicReference<Api.Response> repeat = new AtomicReference<>();
			await("the first attempt's lease runs out").atMost(TAKEN_OVER)
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					repeat.set(moving.post(c.switchPath(), body("meetingId", target, "move", true)));
					return repeat.get().status() != 409;
				});
			Api.Response answer = repeat.get();
			assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
			assertThat(answer.json().path("switchId").asString()).isEqualTo(switchId);
			assertThat(answer.json().path("sessions").asInt()).isEqualTo(1);
			release(call, 503);
			assertReplayed(answer, moving.post(c.switchPath(), body("meetingId", target, "move", true)));
		}
		finally {
			restoreOther();
		}
		assertThat(members(target)).containsExactly(p);
		assertThat(events(c.b(), "participant-left")).hasSize(1);
		assertThat(events(target, "participant-joined")).hasSize(1);
	}

	private final CountDownLatch stall = new CountDownLatch(1);

	/**
	 * A move through the other instance that stops after its first half, with that
	 * instance's own recovery stopped: only this instance can take it over.
	 */
	private CompletableFuture<Api.Response> stalledMove(Connected c, String target) {
		return stalledMove(c, target, null);
	}

	/** {@link #stalledMove}, with an Idempotency-Key when not null. */
	private CompletableFuture<Api.Response> stalledMove(Connected c, String target, @Nullable String key) {
		other.bean(SwitchRecovery.class).stop();
		other.bean(SwitchHook.class).afterLeave((switchId) -> {
			try {
				this.stall.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		Api moderator = otherApi(this.tokens.moderator(c.moderator()));
		Api sending = (key != null) ? moderator.with("Idempotency-Key", key) : moderator;
		return CompletableFuture
			.supplyAsync(() -> sending.post(c.switchPath(), body("meetingId", target, "move", true)));
	}

	/**
	 * Lets the stalled move go on: its lease ran out, so its second half must not start
	 * (the call is refused, as the store would not take the step).
	 */
	private void release(CompletableFuture<Api.Response> call, int status) throws Exception {
		this.stall.countDown();
		Api.Response answer = call.get(30, TimeUnit.SECONDS);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
	}

	private void restoreOther() {
		this.stall.countDown();
		other.bean(SwitchHook.class).afterLeave((switchId) -> {
		});
		other.bean(SwitchRecovery.class).start();
	}

	@Test
	void concurrentMovesOfOneParticipantToTwoMeetingsLeaveItInExactlyOne() throws Exception {
		for (int round = 0; round < 3; round++) {
			String p = this.fixtures.participant("p");
			Connected c = connectedWith(p);
			String first = this.fixtures.activeMeetingWith();
			String second = this.fixtures.activeMeetingWith();
			Api here = this.fixtures.as(this.tokens.moderator(c.moderator()));
			Api there = otherApi(this.tokens.moderator(c.moderator()));
			CompletableFuture<Api.Response> toFirst = CompletableFuture
				.supplyAsync(() -> here.post(c.switchPath(), body("meetingId", first, "move", true)));
			CompletableFuture<Api.Response> toSecond = CompletableFuture
				.supplyAsync(() -> there.post(c.switchPath(), body("meetingId", second, "move", true)));
			List<Api.Response> answers = new ArrayList<>(
					List.of(toFirst.get(30, TimeUnit.SECONDS), toSecond.get(30, TimeUnit.SECONDS)));

			assertThat(answers).extracting(Api.Response::status).containsExactlyInAnyOrder(202, 404);
			assertThat(answers).filteredOn((answer) -> answer.status() == 404)
				.singleElement()
				.satisfies((answer) -> assertThat(answer.code()).isEqualTo("participant-not-found"));
			List<String> where = new ArrayList<>();
			for (String meeting : List.of(c.b(), first, second)) {
				if (members(meeting).contains(p)) {
					where.add(meeting);
				}
			}
			assertThat(where).hasSize(1).doesNotContain(c.b());
			assertThat(events(c.b(), "participant-left")).hasSize(1);
		}
	}

}
