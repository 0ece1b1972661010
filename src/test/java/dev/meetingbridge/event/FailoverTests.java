package dev.meetingbridge.event;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.meetingbridge.security.TokenMinter;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RedisSentinelSet;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.jwt.JwtEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis failover that loses acknowledged writes, as operators meet it: a master, a
 * replica and Sentinel (all {@code redis-server}), two bridges on Sentinel, joins through
 * one of them while a raw STOMP subscriber and the bundled JavaScript client follow the
 * meeting on the other. The replication link is cut before the master dies, so the last
 * joins, acknowledged and seen by the subscribers, never reach the replica that Sentinel
 * promotes.
 * <p>
 * Afterwards writes succeed again within 30 s; the subscriber that saw the lost joins is
 * closed with 4000 {@code resync} and never got two different events under one (epoch,
 * sequence); the JavaScript client's participants equal the bridge's. With
 * {@code bridge.redis.replica-acks=1} no join that was acknowledged is lost.
 * <p>
 * Not an {@link IntegrationTest}: the bridges run on this test's own Redis set.
 */
class FailoverTests {

	private static final Path E2E = Path.of("e2e").toAbsolutePath();

	private static final Duration WRITES_BACK = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@BeforeAll
	static void theJavaScriptClientCanRun() throws Exception {
		if (!Files.isDirectory(E2E.resolve("node_modules/ws"))) {
			Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(E2E.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			assertThat(install.waitFor(5, TimeUnit.MINUTES) && install.exitValue() == 0).as("npm ci in e2e/").isTrue();
		}
	}

	@Test
	void afterAFailoverThatLostAcknowledgedJoinsNoSubscriberIsSilentlyWrong() throws Exception {
		try (Scenario scenario = Scenario.start(0)) {
			Outcome outcome = scenario.loseTheNewestJoinsInAFailover(10, false);
			assertThat(outcome.acknowledged()).as("the joins made just before the failover were acknowledged")
				.containsAll(outcome.attempted());
			assertThat(outcome.serverParticipants()).as("and lost: the promoted replica never had them")
				.doesNotContainAnyElementsOf(outcome.attempted());
			assertThat(scenario.writerLoopConnections())
				.as("the joins went over the connection of the writer's event loop, which followed Sentinel")
				.isPositive();
			scenario.assertNoSubscriberIsSilentlyWrong(outcome);
		}
	}

	/**
	 * With replica-acks a write is acknowledged only once a replica has it, so the
	 * promoted master needs a replica of its own before writes succeed again.
	 */
	@Test
	void withReplicaAcksAFailoverLosesNoAcknowledgedJoin() throws Exception {
		try (Scenario scenario = Scenario.start(1)) {
			Outcome outcome = scenario.loseTheNewestJoinsInAFailover(3, true);
			assertThat(outcome.acknowledged()).as("no replica had them: none was acknowledged").isEmpty();
			assertThat(outcome.serverParticipants()).containsAll(outcome.everAcknowledged());
			scenario.assertNoSubscriberIsSilentlyWrong(outcome);
		}
	}

	/**
	 * What the failover left: the joins attempted just before it and which of them were
	 * acknowledged, every join ever acknowledged, and the bridge's participants after it.
	 */
	private record Outcome(List<String> attempted, List<String> acknowledged, Set<String> everAcknowledged,
			Set<String> serverParticipants) {
	}

	private static final class Scenario implements AutoCloseable {

		private final RedisSentinelSet redis;

		private final BridgeInstance followed;

		private final BridgeInstance writer;

		private final Tokens tokens;

		private final Api api;

		private final String meeting = IntegrationTest.unique("failover");

		private final StompTestClient subscriber;

		private final Map<String, StompTestClient.Received> topics;

		private final Follower follower;

		private final Set<String> everAcknowledged = new TreeSet<>();

		private Scenario(RedisSentinelSet redis, BridgeInstance followed, BridgeInstance writer) throws IOException {
			this.redis = redis;
			this.followed = followed;
			this.writer = writer;
			this.tokens = new Tokens(writer.bean(TokenMinter.class), writer.bean(JwtEncoder.class));
			this.api = writer.api(this.tokens.server());
			assertThat(this.api.post("/api/meetings", Map.of("meetingId", this.meeting)).status()).isEqualTo(201);
			this.subscriber = followed.stomp(this.tokens.server());
			this.topics = this.subscriber.subscribeAll(this.meeting);
			this.follower = Follower.start(followed.baseUrl(), this.tokens.server(), this.meeting);
		}

		static Scenario start(int replicaAcks) throws IOException {
			RedisSentinelSet redis = RedisSentinelSet.start();
			String acks = "bridge.redis.replica-acks=" + replicaAcks;
			BridgeInstance followed = BridgeInstance.startWith(redis.bridgeArguments(), acks);
			BridgeInstance writer = BridgeInstance.startWith(redis.bridgeArguments(), acks);
			return new Scenario(redis, followed, writer);
		}

		/**
		 * Joins, cuts replication, makes {@code lost} more joins, kills the master and
		 * waits for writes to succeed again; {@code replaceReplica} adds a replica to the
		 * promoted master first (with replica-acks, writes need one).
		 */
		Outcome loseTheNewestJoinsInAFailover(int lost, boolean replaceReplica) {
			for (int i = 0; i < 50; i++) {
				assertThat(join("p" + i)).isEqualTo(201);
			}
			this.redis.awaitReplicated();
			await("the subscribers saw the first joins").atMost(Duration.ofSeconds(30))
				.until(() -> this.topics.get("participant-joined").size() == 50
						&& this.follower.participants().size() == 50);

			this.redis.cutReplication();
			List<String> attempted = new ArrayList<>();
			List<String> acknowledged = new ArrayList<>();
			for (int i = 0; i < lost; i++) {
				String participant = IntegrationTest.unique("lost");
				attempted.add(participant);
				if (joinAs(participant) == 201) {
					acknowledged.add(participant);
				}
			}
			long joinedEvents = 50 + lost;
			await("the subscribers saw the joins that will be lost").atMost(Duration.ofSeconds(30))
				.until(() -> this.topics.get("participant-joined").size() == joinedEvents);

			long killedAt = System.nanoTime();
			this.redis.killMaster();
			this.redis.awaitFailover(Duration.ofSeconds(30));
			if (replaceReplica) {
				this.redis.addReplica();
			}
			await("writes succeed again").atMost(WRITES_BACK)
				.pollInterval(Duration.ofMillis(200))
				.until(() -> join("after-0") == 201);
			Duration writesBack = Duration.ofNanos(System.nanoTime() - killedAt);
			System.out
				.println("Failover: writes succeeded again " + writesBack.toMillis() + " ms after the master died");
			assertThat(writesBack).isLessThan(WRITES_BACK);
			for (int i = 1; i < 5; i++) {
				assertThat(join("after-" + i)).isEqualTo(201);
			}
			return new Outcome(attempted, acknowledged, Set.copyOf(this.everAcknowledged), serverParticipants());
		}

		/** The writer's open Redis connections of its event loops. */
		double writerLoopConnections() {
			return this.writer.bean(MeterRegistry.class).get("bridge.redis.loop.connections").gauge().value();
		}

		void assertNoSubscriberIsSilentlyWrong(Outcome outcome) {
			// It saw joins the bridge no longer has: it must have been told.
			await("the raw subscriber is told to reload").atMost(Duration.ofSeconds(30)).until(this.subscriber::closed);
			assertThat(this.subscriber.closeCode()).isEqualTo(4000);
			Map<String, String> seen = new HashMap<>();
			for (JsonNode event : this.subscriber.arrivals()) {
				String name = event.path("epoch").asString() + "/" + event.path("sequence").asLong();
				assertThat(seen.putIfAbsent(name, event.toString())).as("event %s", name).isIn(null, event.toString());
			}
			// The bundled client reloads by itself and ends with the bridge's state.
			Set<String> server = serverParticipants();
			await("the JavaScript client's participants equal the bridge's").atMost(Duration.ofSeconds(30))
				.until(() -> this.follower.participants().equals(server));
			assertThat(this.follower.reloads()).as("it reloaded the meeting").isPositive();
			assertThat(this.follower.errors()).as("the client's errors")
				.noneMatch((error) -> error.contains("TypeError"));
			assertThat(outcome.serverParticipants()).isEqualTo(server);
		}

		private int join(String name) {
			return joinAs(this.meeting + "-" + name);
		}

		private int joinAs(String participant) {
			int status = this.api
				.post("/api/meetings/" + this.meeting + "/participants",
						Map.of("participantId", participant, "displayName", participant))
				.status();
			if (status == 201) {
				this.everAcknowledged.add(participant);
			}
			return status;
		}

		private Set<String> serverParticipants() {
			// With replica-acks, changes run on connections of their own, which may be
			// back before the shared one that reads use.
			AtomicReference<Api.Response> read = new AtomicReference<>();
			await("reads succeed again").atMost(WRITES_BACK).pollInterval(Duration.ofMillis(200)).until(() -> {
				read.set(this.api.get("/api/meetings/" + this.meeting + "/participants"));
				return read.get().status() != 503;
			});
			Api.Response participants = read.get();
			assertThat(participants.status()).as(participants.toString()).isEqualTo(200);
			Set<String> ids = new TreeSet<>();
			participants.json().path("participants").propertyNames().forEach(ids::add);
			return ids;
		}

		@Override
		public void close() {
			this.follower.close();
			this.subscriber.close();
			this.followed.close();
			this.writer.close();
			this.redis.close();
		}

	}

	/**
	 * The bundled JavaScript client following the meeting in Node
	 * ({@code e2e/lib/follow-meeting.mjs}), which prints what it holds after each change.
	 */
	private static final class Follower implements AutoCloseable {

		private final Process process;

		private final AtomicReference<JsonNode> latest = new AtomicReference<>();

		private final List<String> errors = new CopyOnWriteArrayList<>();

		private Follower(Process process) {
			this.process = process;
			Thread.ofVirtual().start(this::read);
		}

		static Follower start(String bridgeUrl, String token, String meeting) throws IOException {
			ProcessBuilder builder = new ProcessBuilder("node", "lib/follow-meeting.mjs").directory(E2E.toFile())
				.redirectError(ProcessBuilder.Redirect.INHERIT);
			builder.environment().putAll(Map.of("BRIDGE_URL", bridgeUrl, "BRIDGE_TOKEN", token, "MEETING_ID", meeting));
			Follower follower = new Follower(builder.start());
			await("the JavaScript client follows the meeting").atMost(Duration.ofSeconds(30))
				.until(() -> follower.latest.get() != null);
			return follower;
		}

		private void read() {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					JsonNode parsed = JSON.readTree(line);
					if (parsed.has("error")) {
						this.errors.add(parsed.path("error").toString());
						System.out.println("[follower] " + line);
					}
					else {
						this.latest.set(parsed);
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		Set<String> participants() {
			Set<String> ids = new TreeSet<>();
			JsonNode state = this.latest.get();
			if (state != null) {
				state.path("participants").forEach((id) -> ids.add(id.asString()));
			}
			return ids;
		}

		long reloads() {
			JsonNode state = this.latest.get();
			return (state != null) ? state.path("reloads").asLong() : 0;
		}

		List<String> errors() {
			return this.errors;
		}

		@Override
		public void close() {
			this.process.destroy();
			try {
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
