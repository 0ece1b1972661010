package dev.meetingbridge.config;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeProcess;
import dev.meetingbridge.support.Dnsmasq;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RedisServerProcess;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redis recreated at a new address, as a container's is: its name, answered by a DNS
 * server with a TTL of 600 s (dnsmasq, standing in for Docker's embedded DNS), starts
 * answering with the new address. A bridge (a child JVM with that DNS server as its
 * resolver) finds it again without a restart: writes and live delivery resume within 30
 * s, and the sessions that followed a meeting the new, empty Redis does not have are
 * closed with 4000 instead of staying open and silent.
 * <p>
 * Needs root (a mount namespace for the child's {@code /etc/resolv.conf}) and dnsmasq
 * ({@code dnsmasq-base}); CI has both ({@code deploy/check.sh} installs dnsmasq).
 */
class RedisAddressChangeTests {

	private static final String NAME = "redis.bridge.test";

	private static final Duration RESUMED = Duration.ofSeconds(30);

	private final List<AutoCloseable> started = new ArrayList<>();

	@AfterEach
	void stopEverything() throws Exception {
		for (AutoCloseable closeable : this.started.reversed()) {
			closeable.close();
		}
	}

	@Test
	void aBridgeFollowsRedisToANewAddressWithoutARestart() throws Exception {
		boolean possible = Dnsmasq.available() && BridgeProcess.canUseOwnResolver();
		if ("true".equals(System.getenv("CI"))) {
			assertThat(possible).as("CI runs as root with dnsmasq installed (deploy/check.sh)").isTrue();
		}
		assumeTrue(possible, "needs root and dnsmasq (apt-get install dnsmasq-base)");
		int port = RedisServerProcess.freePort();
		Process first = redis("127.0.0.2", port);
		Dnsmasq dns = Dnsmasq.start(NAME, "127.0.0.2");
		this.started.add(dns);
		BridgeProcess bridge = BridgeProcess.startWith(List.of("--spring.data.redis.url=redis://" + NAME + ":" + port),
				dns.resolvConf());
		this.started.add(bridge);
		Api api = new Api(bridge.baseUrl(), Tokens.serverWithSecret(IntegrationTest.SECRET));
		String before = IntegrationTest.unique("before");
		assertThat(api.post("/api/meetings", Map.of("meetingId", before)).status()).isEqualTo(201);
		assertThat(
				api.post("/api/meetings/" + before + "/participants", Map.of("participantId", "p0", "displayName", "P"))
					.status())
			.isEqualTo(201);
		await("the event loop's own Redis connection is open").atMost(RESUMED).until(() -> loopConnections(api) >= 1);
		StompTestClient follower = bridge.stomp(Tokens.serverWithSecret(IntegrationTest.SECRET));
		this.started.add(follower);
		follower.subscribe("/topic/meetings/" + before + "/participant-joined");

		// Redis is recreated elsewhere (empty, as a container without a volume is).
		first.destroyForcibly().waitFor();
		redis("127.0.0.3", port);
		dns.answer(NAME, "127.0.0.3");

		String after = IntegrationTest.unique("after");
		await("writes resume at the new address").atMost(RESUMED)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> api.post("/api/meetings", Map.of("meetingId", after)).status() == 201);
		try (StompTestClient subscriber = bridge.stomp(Tokens.serverWithSecret(IntegrationTest.SECRET))) {
			var joins = subscriber.subscribe("/topic/meetings/" + after + "/participant-joined");
			assertThat(api
				.post("/api/meetings/" + after + "/participants", Map.of("participantId", "p1", "displayName", "P"))
				.status()).isEqualTo(201);
			joins.awaitSize(1);
		}
		await("the event loops' own Redis connections found the new address too").atMost(RESUMED)
			.until(() -> loopConnections(api) >= 1);
		await("the follower of the meeting the new Redis lacks is told").atMost(RESUMED).until(follower::closed);
		assertThat(follower.closeCode()).isEqualTo(4000);
		assertThat(Files.readString(dns.log())).as("the bridge asked for the name again").contains(NAME);
	}

	/** {@code bridge_redis_loop_connections}, as Prometheus reads it. */
	private static double loopConnections(Api api) {
		return api.get("/actuator/prometheus")
			.text()
			.lines()
			.filter((line) -> line.startsWith("bridge_redis_loop_connections "))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
			.findFirst()
			.orElse(-1);
	}

	/** A throwaway redis-server on the given loopback address, stopped after the test. */
	private Process redis(String address, int port) throws IOException {
		Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", address,
				"--save", "", "--appendonly", "no", "--protected-mode", "no")
			.redirectErrorStream(true)
			.redirectOutput(Files.createTempFile("redis-" + address, ".log").toFile())
			.start();
		this.started.add(() -> process.destroyForcibly().waitFor());
		await().atMost(Duration.ofSeconds(15)).until(() -> answers(address, port));
		return process;
	}

	private static boolean answers(String address, int port) {
		try (Socket socket = new Socket(address, port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
