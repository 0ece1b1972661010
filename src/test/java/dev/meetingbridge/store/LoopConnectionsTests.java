package dev.meetingbridge.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.meetingbridge.security.TokenMinter;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RedisCommands;
import dev.meetingbridge.support.RedisServerProcess;
import dev.meetingbridge.support.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.types.RedisClientInfo;
import org.springframework.security.oauth2.jwt.JwtEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each event loop of the server runs the Redis scripts of its requests over a Redis
 * connection of its own (docs/operations.md 'Redis connections'): Redis sees one
 * connection more per loop, {@code bridge_redis_loop_connections} counts them, a dropped
 * one is opened again while requests carry on, and
 * {@code bridge.transport.redis-per-loop=false} keeps every script on the shared
 * connection. On this class's own Redis, whose clients it kills.
 */
class LoopConnectionsTests {

	private static final RedisServerProcess REDIS = RedisServerProcess.start();

	private static final Duration RECOVERED = Duration.ofSeconds(30);

	/** The joins answered 201 in the current test. */
	private int joined;

	@AfterAll
	static void stopRedis() {
		REDIS.close();
	}

	@Test
	void everyLoopRunsItsRequestsOverAConnectionOfItsOwnThatIsOpenedAgainWhenItDrops() throws Exception {
		try (BridgeInstance bridge = BridgeInstance.startOn(REDIS.url())) {
			Api api = bridge.api(new Tokens(bridge.bean(TokenMinter.class), bridge.bean(JwtEncoder.class)).server());
			int before = normalClients(bridge);
			String meeting = createMeeting(api);

			// Concurrent requests open several HTTP connections, which the server spreads
			// over its loops.
			assertThat(joinAtOnce(api, meeting, 32)).containsOnly(201);
			await("a connection per loop").atMost(RECOVERED).until(() -> loopConnections(bridge) >= 2);
			int loops = (int) loopConnections(bridge);
			assertThat(normalClients(bridge)).as("Redis sees a connection more per loop")
				.isGreaterThanOrEqualTo(before + loops);

			// Every plain client of Redis drops (the bridge's shared connection too).
			RedisCommands.run("127.0.0.1", REDIS.port(), "CLIENT", "KILL", "TYPE", "normal");

			List<String> refused = new ArrayList<>();
			await("requests succeed again on every loop").atMost(RECOVERED)
				.pollInterval(Duration.ofMillis(200))
				.until(() -> {
					List<Integer> statuses = joinAtOnce(api, meeting, 16);
					statuses.stream().filter((status) -> status != 201).forEach((status) -> {
						assertThat(status).as("only 503 while Redis is reconnected").isEqualTo(503);
						refused.add("refused");
					});
					return statuses.stream().allMatch((status) -> status == 201);
				});
			await("the loops' connections are open again").atMost(RECOVERED)
				.until(() -> loopConnections(bridge) >= loops);
			int members = api.get("/api/meetings/" + meeting + "/participants").json().path("participants").size();
			assertThat(members).as("every join answered 201 is a member, no refused one is").isEqualTo(this.joined);
		}
	}

	@Test
	void turnedOffEveryScriptGoesOverTheSharedConnection() throws Exception {
		try (BridgeInstance bridge = BridgeInstance.startOn(REDIS.url(), "bridge.transport.redis-per-loop=false")) {
			Api api = bridge.api(new Tokens(bridge.bean(TokenMinter.class), bridge.bean(JwtEncoder.class)).server());
			String meeting = createMeeting(api);
			assertThat(joinAtOnce(api, meeting, 32)).containsOnly(201);
			assertThat(loopConnections(bridge)).isZero();
		}
	}

	private String createMeeting(Api api) {
		String meeting = IntegrationTest.unique("loops");
		Api.Response created = api.post("/api/meetings", Map.of("meetingId", meeting));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return meeting;
	}

	/** Joins {@code count} new participants at once; their answers' statuses. */
	private List<Integer> joinAtOnce(Api api, String meeting, int count) throws Exception {
		List<Future<Integer>> answers = new ArrayList<>();
		try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < count; i++) {
				String participant = IntegrationTest.unique("p");
				answers.add(senders.submit(
						() -> api
							.post("/api/meetings/" + meeting + "/participants",
									Map.of("participantId", participant, "displayName", participant))
							.status()));
			}
		}
		List<Integer> statuses = new ArrayList<>();
		for (Future<Integer> answer : answers) {
			statuses.add(answer.get());
		}
		this.joined += (int) statuses.stream().filter((status) -> status == 201).count();
		return statuses;
	}

	private static double loopConnections(BridgeInstance bridge) {
		return bridge.bean(MeterRegistry.class).get("bridge.redis.loop.connections").gauge().value();
	}

	private static int normalClients(BridgeInstance bridge) {
		List<RedisClientInfo> clients;
		try (var connection = bridge.bean(RedisConnectionFactory.class).getConnection()) {
			clients = connection.serverCommands().getClientList();
		}
		return (int) clients.stream().filter((client) -> "N".equals(client.get("flags"))).count();
	}

}
