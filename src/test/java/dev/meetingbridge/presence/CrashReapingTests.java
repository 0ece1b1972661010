package dev.meetingbridge.presence;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.Timestamps;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.BridgeProcess;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.MeetingHistory;
import dev.meetingbridge.support.StompTestClient;
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
 * A bridge instance that dies (SIGKILL: no shutdown, no hand-over) stops renewing its
 * lease; a live instance then makes its session-bound participants leave with reason
 * {@code disconnected}, exactly once each, however many instances reap (docs/api.md
 * 'STOMP API', 'Presence').
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { CrashReapingTests.GRACE_PROPERTY, CrashReapingTests.LEASE_PROPERTY })
class CrashReapingTests extends IntegrationTest {

	static final String GRACE_PROPERTY = "bridge.presence.grace=1s";

	static final String LEASE_PROPERTY = "bridge.presence.lease-ttl=3s";

	private static final Duration REAPED = Duration.ofSeconds(30);

	// Both children start while the test's own context starts: a JVM start is most of
	// this class's time.
	private static CompletableFuture<BridgeProcess> lonelyVictim;

	private static CompletableFuture<BridgeProcess> crowdedVictim;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private RedisKeys keys;

	@Autowired
	private PresenceStore presence;

	@Autowired
	private MeetingScripts scripts;

	@Autowired
	private Timestamps timestamps;

	@BeforeAll
	static void startChildBridges() {
		lonelyVictim = CompletableFuture.supplyAsync(() -> BridgeProcess.start(GRACE_PROPERTY, LEASE_PROPERTY));
		crowdedVictim = CompletableFuture.supplyAsync(() -> BridgeProcess.start(GRACE_PROPERTY, LEASE_PROPERTY));
	}

	@AfterAll
	static void killChildBridges() {
		for (CompletableFuture<BridgeProcess> child : List.of(lonelyVictim, crowdedVictim)) {
			if (child != null) {
				try {
					child.join().close();
				}
				catch (RuntimeException ex) {
					// It never started; nothing to kill.
				}
			}
		}
	}

	@Test
	void theParticipantsOfACrashedInstanceLeaveOnceEachWithReasonDisconnected() {
		crashAndWatchTheReaping(lonelyVictim.join());
	}

	@Test
	void withTwoLiveReapersTheParticipantsOfACrashedInstanceStillLeaveOnceEach() {
		try (BridgeInstance secondReaper = BridgeInstance.start(GRACE_PROPERTY, LEASE_PROPERTY)) {
			crashAndWatchTheReaping(crowdedVictim.join());
		}
	}

	/**
	 * A STOMP join lists the binding among its instance's, then joins and binds in one
	 * script: an instance that dies at either point leaves nothing no reaper finds. Both
	 * points are made here with a dead instance's name (the steps a join takes, cut
	 * short).
	 */
	@Test
	void anInstanceThatDiesAtAnyPointOfAStompJoinLeavesNothingBehind() {
		String meeting = fixtures.activeMeetingWith();
		String dead = "dead-" + IntegrationTest.unique("instance");
		this.presence.renewLease(dead, Duration.ofMillis(1));
		// Died after listing the binding, before the join script ran.
		String listedOnly = fixtures.participant("listed-only");
		this.presence.register(binding(meeting, listedOnly, dead));
		// Died right after the join script (joined and bound in one step).
		String joined = fixtures.participant("joined");
		Binding bound = binding(meeting, joined, dead);
		this.presence.register(bound);
		this.scripts.run(MeetingScript.JOIN, meeting, this.timestamps.now(), joined,
				"{\"id\":\"" + joined + "\",\"displayName\":\"J\",\"joinedAt\":\"" + this.timestamps.now() + "\"}",
				bound.owner());
		assertThat(bound(meeting, joined)).isTrue();

		await("the dead instance is reaped").atMost(REAPED).until(() -> !instances().contains(dead));
		List<JsonNode> departures = MeetingHistory.of(api, meeting).left(joined);
		assertThat(departures).hasSize(1);
		assertThat(departures.get(0).path("reason").asString()).isEqualTo("disconnected");
		assertThat(MeetingHistory.of(api, meeting).joined(listedOnly)).isEmpty();
		assertThat(MeetingHistory.of(api, meeting).left(listedOnly)).isEmpty();
		assertThat(this.redis.hasKey(this.keys.instanceBindings(dead))).isFalse();
	}

	private static Binding binding(String meeting, String participant, String instance) {
		return new Binding(new MeetingId(meeting), new ParticipantId(participant), instance, "session-1");
	}

	private void crashAndWatchTheReaping(BridgeProcess child) {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String meeting = fixtures.activeMeetingWith();
		try (StompTestClient observer = stomp(tokens.server());
				StompTestClient aliceSession = child.stomp(tokens.participant(alice));
				StompTestClient bobSession = child.stomp(tokens.participant(bob))) {
			var left = observer.subscribe("/topic/meetings/" + meeting + "/participant-left");
			aliceSession.send("/app/meetings/" + meeting + "/join", Map.of("displayName", "Alice"));
			bobSession.send("/app/meetings/" + meeting + "/join", Map.of("displayName", "Bob"));
			await("both bound to the child's sessions").atMost(Duration.ofSeconds(10))
				.until(() -> bound(meeting, alice) && bound(meeting, bob));
			String childInstance = binding(meeting, alice).orElseThrow().split("\\|")[0];
			assertThat(childInstance).contains("-" + child.pid() + "-");
			assertThat(this.redis.hasKey(this.keys.instanceLease(childInstance))).isTrue();

			child.kill();

			await().atMost(REAPED).until(() -> left.size() >= 2);
			await("the crashed instance is forgotten").atMost(REAPED).until(() -> !instances().contains(childInstance));
			for (String participant : List.of(alice, bob)) {
				List<JsonNode> departures = MeetingHistory.of(api, meeting).left(participant);
				assertThat(departures).as("%s left", participant).hasSize(1);
				assertThat(departures.get(0).path("reason").asString()).isEqualTo("disconnected");
			}
			assertThat(left.messages()).hasSize(2);
			assertThat(api.get("/api/meetings/" + meeting + "/participants").json().path("participants").size())
				.isZero();
			assertThat(this.redis.hasKey(this.keys.instanceBindings(childInstance))).isFalse();
		}
	}

	private boolean bound(String meeting, String participant) {
		return binding(meeting, participant).filter((value) -> value.endsWith("|bound")).isPresent();
	}

	private Optional<String> binding(String meeting, String participant) {
		return Optional.ofNullable((String) this.redis.opsForHash().get(this.keys.presence(meeting), participant));
	}

	private Set<String> instances() {
		Set<String> members = this.redis.opsForSet().members(this.keys.instances());
		return members == null ? Set.of() : members;
	}

}
