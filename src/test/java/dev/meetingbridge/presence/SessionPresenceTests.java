package dev.meetingbridge.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.support.BridgeInstance;
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
 * A participant who joined over STOMP is bound to its session: when the session ends and
 * nobody re-joins within the grace, it leaves with reason {@code disconnected}
 * (docs/api.md 'STOMP API'). Two instances on one Redis: the test's own and
 * {@link #other}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { SessionPresenceTests.GRACE_PROPERTY, SessionPresenceTests.LEASE_PROPERTY })
class SessionPresenceTests extends IntegrationTest {

	static final String GRACE_PROPERTY = "bridge.presence.grace=2s";

	static final String LEASE_PROPERTY = "bridge.presence.lease-ttl=3s";

	private static final Duration GRACE = Duration.ofSeconds(2);

	private static final Duration DEPARTURE = GRACE.plusSeconds(15);

	private static final Duration SHORTLY = Duration.ofSeconds(10);

	private static BridgeInstance other;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private RedisKeys keys;

	@Autowired
	private InstanceId instanceId;

	@BeforeAll
	static void startTheOtherInstance() {
		other = BridgeInstance.start(GRACE_PROPERTY, LEASE_PROPERTY);
	}

	@AfterAll
	static void stopTheOtherInstance() {
		if (other != null) {
			other.close();
		}
	}

	@Test
	void aParticipantWhoDisconnectsLeavesWithReasonDisconnectedOnceTheGraceRanOut() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith();
		try (StompTestClient observer = stomp(tokens.server());
				StompTestClient session = stomp(tokens.participant(alice))) {
			var left = observer.subscribe(topic(meeting, "participant-left"));
			joinOverStomp(session, meeting, alice);

			Instant disconnected = Instant.now();
			session.disconnect();

			await().atMost(DEPARTURE).until(() -> left.size() == 1);
			JsonNode event = left.messages().get(0);
			assertLeftDisconnected(event, alice);
			assertThat(Instant.parse(event.path("timestamp").asString())).as("not before the grace ran out")
				.isAfterOrEqualTo(disconnected.plus(GRACE));
			MeetingHistory history = MeetingHistory.of(api, meeting);
			assertThat(history.left(alice)).containsExactly(event);
			assertThat(members(meeting)).doesNotContain(alice);
			assertThat(binding(meeting, alice)).isEmpty();
		}
	}

	@Test
	void aParticipantWhoseSocketJustClosesLeavesWithReasonDisconnected() {
		String bob = fixtures.participant("bob");
		String meeting = fixtures.activeMeetingWith();
		try (StompTestClient observer = stomp(tokens.server());
				StompTestClient session = other.stomp(tokens.participant(bob))) {
			var left = observer.subscribe(topic(meeting, "participant-left"));
			joinOverStomp(session, meeting, bob);

			Instant closed = Instant.now();
			session.closeSocket();

			await().atMost(DEPARTURE).until(() -> left.size() == 1);
			JsonNode event = left.messages().get(0);
			assertLeftDisconnected(event, bob);
			assertThat(Instant.parse(event.path("timestamp").asString())).as("not before the grace ran out")
				.isAfterOrEqualTo(closed.plus(GRACE));
			assertThat(MeetingHistory.of(api, meeting).left(bob)).containsExactly(event);
			assertThat(members(meeting)).doesNotContain(bob);
		}
	}

	@Test
	void participantsWhoDisconnectRightAfterJoiningStillLeave() {
		String meeting = fixtures.activeMeetingWith();
		// Several, because the race between the join and the end of the session is short.
		List<String> participants = IntStream.range(0, 12).mapToObj((i) -> fixtures.participant("hasty")).toList();
		try (StompTestClient observer = stomp(tokens.server())) {
			var joined = observer.subscribe(topic(meeting, "participant-joined"));
			var left = observer.subscribe(topic(meeting, "participant-left"));
			for (int i = 0; i < participants.size(); i++) {
				String participant = participants.get(i);
				StompTestClient session = (i % 2 == 0) ? stomp(tokens.participant(participant))
						: other.stomp(tokens.participant(participant));
				session.send(join(meeting), Map.of("displayName", participant));
				session.close();
			}

			await().atMost(DEPARTURE)
				.untilAsserted(() -> assertThat(left.messages()).as("joined: %s", joined.messages())
					.extracting((event) -> event.path("participant").path("id").asString())
					.containsExactlyInAnyOrderElementsOf(participants));
			assertThat(joined.messages()).hasSize(participants.size());
			assertThat(left.messages())
				.allSatisfy((event) -> assertThat(event.path("reason").asString()).isEqualTo("disconnected"));
			MeetingHistory history = MeetingHistory.of(api, meeting);
			for (String participant : participants) {
				assertThat(history.joined(participant)).hasSize(1);
				assertThat(history.left(participant)).hasSize(1);
			}
			assertThat(members(meeting)).isEmpty();
		}
	}

	@Test
	void reJoiningWithinTheGraceThroughTheOtherInstanceKeepsTheParticipant() {
		String carol = fixtures.participant("carol");
		String meeting = fixtures.activeMeetingWith();
		String otherInstance = other.bean(InstanceId.class).value();
		try (StompTestClient observer = stomp(tokens.server());
				StompTestClient first = stomp(tokens.participant(carol));
				StompTestClient second = other.stomp(tokens.participant(carol))) {
			var left = observer.subscribe(topic(meeting, "participant-left"));
			joinOverStomp(first, meeting, carol);
			assertThat(binding(meeting, carol))
				.hasValueSatisfying((value) -> assertThat(value).startsWith(this.instanceId.value() + "|"));
			long sequenceAfterJoin = MeetingHistory.of(api, meeting).latestSequence();

			first.disconnect();
			String departure = await().atMost(SHORTLY)
				.until(() -> departureOf(meeting, carol), Optional::isPresent)
				.orElseThrow();
			second.send(join(meeting), Map.of("displayName", carol));

			await().atMost(SHORTLY)
				.until(() -> binding(meeting, carol).filter((value) -> value.startsWith(otherInstance + "|"))
					.filter((value) -> value.endsWith("|bound"))
					.isPresent());
			await("the departure that the re-join overtook is processed").atMost(DEPARTURE)
				.until(() -> !departures().contains(departure));
			MeetingHistory history = MeetingHistory.of(api, meeting);
			assertThat(history.latestSequence()).isEqualTo(sequenceAfterJoin);
			assertThat(history.joined(carol)).hasSize(1);
			assertThat(history.left(carol)).isEmpty();
			assertThat(left.messages()).isEmpty();
			assertThat(members(meeting)).contains(carol);

			// Now bound to the other instance's session: when that one ends, Carol
			// leaves, once.
			second.disconnect();
			await().atMost(DEPARTURE).until(() -> left.size() == 1);
			assertLeftDisconnected(left.messages().get(0), carol);
			assertThat(MeetingHistory.of(api, meeting).left(carol)).hasSize(1);
		}
	}

	@Test
	void aParticipantWhoJoinedOverRestOnlyIsNeverMadeToLeaveByPresence() {
		String dave = fixtures.participant("dave");
		String witness = fixtures.participant("witness");
		String meeting = fixtures.activeMeetingWith(dave);
		try (StompTestClient observer = stomp(tokens.server())) {
			var left = observer.subscribe(topic(meeting, "participant-left"));
			StompTestClient daveSession = other.stomp(tokens.participant(dave));
			daveSession.subscribe(topic(meeting, "participant-joined"));
			StompTestClient witnessSession = other.stomp(tokens.participant(witness));
			joinOverStomp(witnessSession, meeting, witness);

			// Dave's session ends first; once the witness (who left later) is gone,
			// Dave's grace is over too.
			daveSession.close();
			witnessSession.close();

			await().atMost(DEPARTURE).until(() -> left.size() == 1);
			assertLeftDisconnected(left.messages().get(0), witness);
			assertThat(MeetingHistory.of(api, meeting).left(dave)).isEmpty();
			assertThat(members(meeting)).contains(dave);
			assertThat(binding(meeting, dave)).isEmpty();
			assertThat(departures()).noneMatch((entry) -> entry.startsWith(meeting + "|" + dave + "|"));
		}
	}

	@Test
	void aParticipantWhoLeftExplicitlyIsNotMadeToLeaveAgainWhenItsSessionEnds() {
		String erin = fixtures.participant("erin");
		String witness = fixtures.participant("witness");
		String meeting = fixtures.activeMeetingWith();
		try (StompTestClient observer = stomp(tokens.server());
				StompTestClient erinSession = other.stomp(tokens.participant(erin));
				StompTestClient witnessSession = other.stomp(tokens.participant(witness))) {
			var left = observer.subscribe(topic(meeting, "participant-left"));
			joinOverStomp(erinSession, meeting, erin);
			joinOverStomp(witnessSession, meeting, witness);

			erinSession.send("/app/meetings/" + meeting + "/leave", Map.of());
			await().atMost(SHORTLY).until(() -> left.size() == 1);
			erinSession.disconnect();
			witnessSession.disconnect();

			await().atMost(DEPARTURE).until(() -> left.size() == 2);
			assertLeftDisconnected(left.messages().get(1), witness);
			List<JsonNode> erinLeft = MeetingHistory.of(api, meeting).left(erin);
			assertThat(erinLeft).hasSize(1);
			assertThat(erinLeft.get(0).path("reason").asString()).isEqualTo("left");
		}
	}

	@Test
	void aParticipantWhoLeavesWhileAwayIsNotMadeToLeaveAgainWhenTheGraceRunsOut() {
		String frank = fixtures.participant("frank");
		String meeting = fixtures.activeMeetingWith();
		try (StompTestClient observer = stomp(tokens.server());
				StompTestClient session = stomp(tokens.participant(frank))) {
			var left = observer.subscribe(topic(meeting, "participant-left"));
			joinOverStomp(session, meeting, frank);
			session.disconnect();
			String departure = await().atMost(SHORTLY)
				.until(() -> departureOf(meeting, frank), Optional::isPresent)
				.orElseThrow();

			var leaving = other.api(tokens.participant(frank))
				.delete("/api/meetings/" + meeting + "/participants/" + frank);
			assertThat(leaving.status()).as(leaving.toString()).isEqualTo(204);

			await("the departure is processed").atMost(DEPARTURE).until(() -> !departures().contains(departure));
			List<JsonNode> frankLeft = MeetingHistory.of(api, meeting).left(frank);
			assertThat(frankLeft).hasSize(1);
			assertThat(frankLeft.get(0).path("reason").asString()).isEqualTo("left");
			assertThat(left.messages()).hasSize(1);
		}
	}

	/** Joins over STOMP and waits until the participant is bound to the session. */
	private void joinOverStomp(StompTestClient session, String meeting, String participant) {
		session.send(join(meeting), Map.of("displayName", participant));
		await("%s bound to its session".formatted(participant)).atMost(SHORTLY)
			.until(() -> binding(meeting, participant).filter((value) -> value.endsWith("|bound")).isPresent());
	}

	private static String join(String meeting) {
		return "/app/meetings/" + meeting + "/join";
	}

	private static String topic(String meeting, String type) {
		return "/topic/meetings/" + meeting + "/" + type;
	}

	private static void assertLeftDisconnected(JsonNode event, String participant) {
		assertThat(event.path("type").asString()).isEqualTo("participant-left");
		assertThat(event.path("participant").path("id").asString()).isEqualTo(participant);
		assertThat(event.path("reason").asString()).isEqualTo("disconnected");
	}

	private Set<String> members(String meeting) {
		var response = api.get("/api/meetings/" + meeting + "/participants");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		List<String> ids = new ArrayList<>();
		response.json().path("participants").propertyNames().forEach(ids::add);
		return Set.copyOf(ids);
	}

	/** The participant's presence binding: "instance|session|bound" or "...|away". */
	private Optional<String> binding(String meeting, String participant) {
		return Optional.ofNullable((String) this.redis.opsForHash().get(this.keys.presence(meeting), participant));
	}

	private Set<String> departures() {
		Set<String> entries = this.redis.opsForZSet().range(this.keys.departures(), 0, -1);
		return entries == null ? Set.of() : entries;
	}

	private Optional<String> departureOf(String meeting, String participant) {
		return departures().stream().filter((entry) -> entry.startsWith(meeting + "|" + participant + "|")).findFirst();
	}

}
