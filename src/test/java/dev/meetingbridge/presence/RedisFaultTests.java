package dev.meetingbridge.presence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.security.TokenMinter;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.MeetingHistory;
import dev.meetingbridge.support.RedisServerProcess;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis frozen, killed and restarted under a running bridge: requests fail fast with 503
 * {@code store-unavailable} (never hang, never 500), readiness reports it, a refused
 * change leaves nothing behind, and the bridge recovers by itself (docs/api.md 'REST
 * API', 'Configuration').
 * <p>
 * Not an {@link IntegrationTest}: its dynamic properties (the shared Redis) would take
 * precedence over this class's own, and this class must never touch the shared Redis.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "bridge.presence.lease-ttl=3s")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RedisFaultTests {

	/** This class's own Redis, which it freezes and kills; never the shared one. */
	private static final RedisServerProcess REDIS = RedisServerProcess.start();

	private static final Duration RECOVERED = Duration.ofSeconds(30);

	@LocalServerPort
	private int port;

	@Autowired
	private TokenMinter minter;

	@Autowired
	private JwtEncoder encoder;

	@Autowired
	private LettuceConnectionFactory connectionFactory;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private RedisKeys keys;

	@Autowired
	private InstanceId instanceId;

	private Tokens tokens;

	private Api api;

	@DynamicPropertySource
	static void ownRedis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", REDIS::url);
		registry.add("bridge.security.jwt-secret", () -> IntegrationTest.SECRET);
	}

	@AfterAll
	static void stopRedis() {
		signal("CONT");
		REDIS.close();
	}

	@BeforeEach
	void onItsOwnRedis() {
		assertThat(this.connectionFactory.getPort()).as("the bridge uses this class's own Redis")
			.isEqualTo(REDIS.port());
		this.tokens = new Tokens(this.minter, this.encoder);
		this.api = new Api("http://localhost:" + this.port, this.tokens.server());
		await().atMost(RECOVERED).until(() -> readiness() == 200);
	}

	@Test
	void whileRedisIsFrozenRequestsFailFastWithStoreUnavailableAndNothingIsHalfDone() {
		String alice = IntegrationTest.unique("alice");
		String bob = IntegrationTest.unique("bob");
		String meeting = createMeeting();
		String meetingCreatedWhileFrozen = IntegrationTest.unique("frozen-meeting");
		long sequenceBefore = MeetingHistory.of(api, meeting).latestSequence();
		try (StompTestClient aliceSession = stomp(tokens.participant(alice))) {
			var errors = aliceSession.subscribe("/user/queue/errors");

			signal("STOP");
			try {
				Api.Response created = within(Duration.ofSeconds(10),
						() -> api.post("/api/meetings", Map.of("meetingId", meetingCreatedWhileFrozen)));
				assertStoreUnavailable(created);
				Api.Response joined = within(Duration.ofSeconds(10),
						() -> api.post("/api/meetings/" + meeting + "/participants",
								Map.of("participantId", bob, "displayName", "Bob")));
				assertStoreUnavailable(joined);

				aliceSession.send("/app/meetings/" + meeting + "/join", Map.of("displayName", "Alice"));
				await().atMost(Duration.ofSeconds(10)).until(() -> !errors.messages().isEmpty());
				JsonNode error = errors.messages().get(0);
				assertThat(error.path("code").asString()).isEqualTo("store-unavailable");
				assertThat(error.path("status").asInt()).isEqualTo(503);
				assertThat(aliceSession.connected()).as("the session stays open").isTrue();

				await().atMost(Duration.ofSeconds(15)).until(() -> readiness() == 503);

				// A SUBSCRIBE times out on the frozen Redis: refused, and its connection
				// is replaced later.
				try (StompTestClient watcher = stomp(tokens.server())) {
					watcher.subscribe("/topic/meetings/" + meeting + "/participant-joined");
					await().atMost(Duration.ofSeconds(15)).until(() -> !watcher.errorFrames().isEmpty());
					assertThat(watcher.errorFrames().get(0)).startsWith("store-unavailable");
				}
			}
			finally {
				signal("CONT");
			}

			await().atMost(RECOVERED).until(() -> readiness() == 200);
			Api.Response created = api.post("/api/meetings", Map.of("meetingId", IntegrationTest.unique("thawed")));
			assertThat(created.status()).as(created.toString()).isEqualTo(201);

			assertThat(api.get("/api/meetings/" + meetingCreatedWhileFrozen).status())
				.as("the meeting refused while frozen was not created")
				.isEqualTo(404);
			MeetingHistory history = MeetingHistory.of(api, meeting);
			assertThat(history.latestSequence()).as("nothing happened to the meeting").isEqualTo(sequenceBefore);
			assertThat(api.get("/api/meetings/" + meeting + "/participants").json().path("participants").size())
				.as("neither refused join took place")
				.isZero();

			// Subscriptions work again after the timed-out one: live events flow.
			try (StompTestClient watcher = stomp(tokens.server())) {
				var joins = watcher.subscribe("/topic/meetings/" + meeting + "/participant-joined");
				assertThat(joins.confirmed()).isTrue();
				aliceSession.send("/app/meetings/" + meeting + "/join", Map.of("displayName", "Alice"));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> MeetingHistory.of(api, meeting).joined(alice).size() == 1);
				await().atMost(Duration.ofSeconds(10)).until(() -> joins.size() == 1);
			}
			assertThat(errors.messages()).hasSize(1);
		}
	}

	@Test
	void afterRedisRestartsEmptyTheSubscribersOfAVanishedMeetingAreToldAndTheBridgeRecovers() {
		String meeting = createMeeting();
		String carol = IntegrationTest.unique("carol");
		try (StompTestClient observer = stomp(tokens.server())) {
			observer.subscribe("/topic/meetings/" + meeting + "/participant-joined");

			REDIS.kill();
			REDIS.startProcess();

			await("REST works again").atMost(RECOVERED)
				.until(() -> api.post("/api/meetings", Map.of("meetingId", IntegrationTest.unique("after")))
					.status() == 201);
			assertThat(api.get("/api/meetings/" + meeting).status()).as("the restarted Redis is empty").isEqualTo(404);
			// Not left waiting for a meeting that is gone: closed, so that its client
			// reloads (and learns the meeting is gone).
			await("the observer of the vanished meeting is closed").atMost(RECOVERED).until(observer::closed);
			assertThat(observer.closeCode()).isEqualTo(4000);
		}
		assertThat(api.post("/api/meetings", Map.of("meetingId", meeting)).status()).isEqualTo(201);
		try (StompTestClient observer = stomp(tokens.server())) {
			var joined = observer.subscribe("/topic/meetings/" + meeting + "/participant-joined");
			Api.Response carolJoined = api.post("/api/meetings/" + meeting + "/participants",
					Map.of("participantId", carol, "displayName", "Carol"));
			assertThat(carolJoined.status()).as(carolJoined.toString()).isEqualTo(201);
			await().atMost(Duration.ofSeconds(10)).until(() -> joined.size() == 1);
			assertThat(joined.messages().get(0).path("participant").path("id").asString()).isEqualTo(carol);
			assertThat(joined.messages().get(0).path("sequence").asLong()).isEqualTo(1);
		}
		await("ready again").atMost(RECOVERED).until(() -> readiness() == 200);
		await("the lease is renewed").atMost(RECOVERED)
			.until(() -> Boolean.TRUE.equals(this.redis.hasKey(this.keys.instanceLease(this.instanceId.value()))));
	}

	private String createMeeting() {
		String meeting = IntegrationTest.unique("meeting");
		Api.Response created = api.post("/api/meetings", Map.of("meetingId", meeting));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return meeting;
	}

	private StompTestClient stomp(String token) {
		return StompTestClient.connect("ws://localhost:" + this.port + "/ws", token);
	}

	private int readiness() {
		return new Api("http://localhost:" + this.port, null).get("/actuator/health/readiness").status();
	}

	private static void assertStoreUnavailable(Api.Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(503);
		assertThat(response.code()).isEqualTo("store-unavailable");
		assertThat(response.header("Retry-After")).isNotNull();
		assertThat(Long.parseLong(response.header("Retry-After"))).isGreaterThanOrEqualTo(1);
	}

	/**
	 * The call's result, which must come within the bound: a frozen Redis must not make
	 * requests hang.
	 */
	private static Api.Response within(Duration bound, java.util.function.Supplier<Api.Response> call) {
		try {
			return CompletableFuture.supplyAsync(call).get(bound.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("No answer within " + bound, ex);
		}
	}

	/**
	 * Sends the Redis process a signal: STOP freezes it (connections stay open, nothing
	 * answers), CONT thaws it.
	 */
	private static void signal(String name) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(REDIS.pid())).inheritIO().start();
			assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
