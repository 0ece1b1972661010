package dev.meetingbridge.event;

import java.time.Duration;
import java.util.Map;

import dev.meetingbridge.security.TokenMinter;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RedisCommands;
import dev.meetingbridge.support.RedisServerProcess;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.TcpGate;
import dev.meetingbridge.support.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.JwtEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance whose Redis pub/sub link is gone while its commands still work (the link
 * cannot come back: its Redis sits behind a gate that refuses new connections): readiness
 * says so at once, and after {@code bridge.redis.link-timeout} the sessions that follow
 * meetings there are closed with 4000 {@code resync} instead of staying open and silent.
 * When the link can come back, it does, without a restart, and delivery resumes.
 * <p>
 * Not an {@link IntegrationTest}: the instance needs a Redis of its own, behind the gate.
 */
class PubSubLinkTests {

	private static final RedisServerProcess REDIS = RedisServerProcess.start();

	private static TcpGate gate;

	private static BridgeInstance bridge;

	@BeforeAll
	static void startTheBridgeBehindAGate() {
		gate = TcpGate.to("127.0.0.1", REDIS.port());
		bridge = BridgeInstance.startOn("redis://127.0.0.1:" + gate.port(), "bridge.redis.link-timeout=2s");
	}

	@AfterAll
	static void stopEverything() {
		if (bridge != null) {
			bridge.close();
		}
		if (gate != null) {
			gate.close();
		}
		REDIS.close();
	}

	@Test
	void aLostPubSubLinkIsReportedItsSubscribersAreToldAndItComesBack() {
		Tokens tokens = new Tokens(bridge.bean(TokenMinter.class), bridge.bean(JwtEncoder.class));
		Api api = bridge.api(tokens.server());
		MeterRegistry meters = bridge.bean(MeterRegistry.class);
		await("ready").atMost(Duration.ofSeconds(30)).until(() -> readiness(api) == 200);
		String meeting = IntegrationTest.unique("linked");
		assertThat(api.post("/api/meetings", Map.of("meetingId", meeting)).status()).isEqualTo(201);
		try (StompTestClient subscriber = bridge.stomp(tokens.server())) {
			subscriber.subscribe("/topic/meetings/" + meeting + "/participant-joined");

			gate.shut();
			RedisCommands.run("127.0.0.1", REDIS.port(), "CLIENT", "KILL", "TYPE", "pubsub");

			await("readiness reports the link").atMost(Duration.ofSeconds(15)).until(() -> readiness(api) == 503);
			assertThat(meters.get("bridge.redis.pubsub.up").gauge().value()).isZero();
			assertThat(join(api, meeting, "while-cut")).as("commands still work").isEqualTo(201);
			await("the subscriber is told").atMost(Duration.ofSeconds(30)).until(subscriber::closed);
			assertThat(subscriber.closeCode()).isEqualTo(4000);
		}

		gate.open();
		await("ready again").atMost(Duration.ofSeconds(30)).until(() -> readiness(api) == 200);
		assertThat(meters.get("bridge.redis.pubsub.up").gauge().value()).isEqualTo(1);
		try (StompTestClient subscriber = bridge.stomp(tokens.server())) {
			var joins = subscriber.subscribe("/topic/meetings/" + meeting + "/participant-joined");
			assertThat(join(api, meeting, "after")).isEqualTo(201);
			joins.awaitSize(1);
		}
	}

	private static int join(Api api, String meeting, String name) {
		return api
			.post("/api/meetings/" + meeting + "/participants",
					Map.of("participantId", IntegrationTest.unique(name), "displayName", name))
			.status();
	}

	private static int readiness(Api api) {
		return api.as(null).get("/actuator/health/readiness").status();
	}

}
