package dev.meetingbridge.stomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.MeetingBridgeApplication;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.StompTestClient.Received;
import dev.meetingbridge.support.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.meetingbridge.support.Events.about;
import static dev.meetingbridge.support.Events.assertContiguous;
import static dev.meetingbridge.support.Events.chat;
import static dev.meetingbridge.support.Events.highest;
import static dev.meetingbridge.support.Events.sequence;
import static dev.meetingbridge.support.Events.topic;
import static dev.meetingbridge.support.Events.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two bridge instances against one Redis: what is written through either reaches STOMP
 * subscribers on both, in the same sequence order, and authority stays live across them.
 */
class TwoInstanceDeliveryTests extends IntegrationTest {

	private static ConfigurableApplicationContext second;

	private final List<StompTestClient> clients = new ArrayList<>();

	/** REST on the second instance, with the server token. */
	private Api api2;

	@BeforeAll
	static void startSecondInstance() {
		// Arguments, not default properties: application.yml would override those (its
		// jwt-secret is ${BRIDGE_JWT_SECRET:}).
		second = new SpringApplicationBuilder(MeetingBridgeApplication.class).run("--server.port=0",
				"--spring.data.redis.url=" + TestRedis.url(), "--bridge.security.jwt-secret=" + IntegrationTest.SECRET,
				"--spring.main.banner-mode=off");
	}

	@AfterAll
	static void stopSecondInstance() {
		if (second != null) {
			second.close();
		}
	}

	@BeforeEach
	void secondInstanceClients() {
		this.api2 = new Api("http://localhost:" + secondPort(), tokens.server());
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(StompTestClient::close);
	}

	@Test
	void eventsCausedThroughEitherInstanceReachSubscribersOnTheOther() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);
		Map<String, Received> aliceOnSecond = connectToSecond(tokens.participant(alice)).subscribeAll(a);
		Map<String, Received> bobOnFirst = connectToFirst(tokens.participant(bob)).subscribeAll(b);

		String carol = fixtures.participant("carol");
		fixtures.join(a, carol);
		aliceOnSecond.get("participant-joined").await(about(carol));
		String dave = fixtures.participant("dave");
		assertThat(this.api2
			.post("/api/meetings/" + b + "/participants", Map.of("participantId", dave, "displayName", dave))
			.status()).isEqualTo(201);
		bobOnFirst.get("participant-joined").await(about(dave));

		Api.Response connected = api.post("/api/meetings/" + a + "/connections", Map.of("meetingId", b));
		String connection = connected.json().path("id").asString();
		aliceOnSecond.get("connection-open").awaitSize(1);
		bobOnFirst.get("connection-open").awaitSize(1);
		Api.Response sent = this.api2.as(tokens.participant(bob))
			.post("/api/meetings/" + b + "/connections/" + connection + "/chat-messages", Map.of("message", "to A"));
		assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
		aliceOnSecond.get("chat-message").await(chat("to A"));
		// A STOMP SEND on one instance reaches a subscriber on the other.
		connectToSecond(tokens.participant(alice))
			.send("/app/meetings/" + a + "/connections/" + connection + "/chat-messages", Map.of("message", "to B"));
		bobOnFirst.get("chat-message").await(chat("to B"));
	}

	@Test
	void subscribersOnBothInstancesSeeTheSameContiguousSequenceForEventsWrittenThroughBoth() {
		String meeting = fixtures.activeMeetingWith();
		String host = fixtures.participant("host");
		String other = fixtures.activeMeetingWith(host);
		Map<String, Received> onFirst = connectToFirst(tokens.server()).subscribeAll(meeting);
		Map<String, Received> onSecond = connectToSecond(tokens.server()).subscribeAll(meeting);
		String connection = fixtures.connect(other, meeting);

		List<Api> instances = List.of(api, this.api2);
		for (int i = 0; i < 10; i++) {
			Api here = instances.get(i % 2);
			Api there = instances.get((i + 1) % 2);
			String participant = fixtures.participant("p" + i);
			assertThat(here
				.post("/api/meetings/" + meeting + "/participants",
						Map.of("participantId", participant, "displayName", participant))
				.status()).isEqualTo(201);
			assertThat(there.as(tokens.participant(host))
				.post("/api/meetings/" + other + "/connections/" + connection + "/chat-messages",
						Map.of("message", "chat " + i))
				.status()).isEqualTo(201);
			assertThat(here.as(tokens.participant(participant))
				.delete("/api/meetings/" + meeting + "/participants/" + participant)
				.status()).isEqualTo(204);
		}

		long latest = api.get("/api/meetings/" + meeting + "/events?limit=1").json().path("latestSequence").asLong();
		assertThat(latest).isEqualTo(31);
		await().until(() -> total(onFirst.values()) >= latest && total(onSecond.values()) >= latest);
		assertContiguous(onFirst, meeting, 1, latest);
		assertContiguous(onSecond, meeting, 1, latest);
		onFirst.forEach((type, received) -> assertThat(onSecond.get(type).messages())
			.as("the same %s events in the same order on both instances", type)
			.containsExactlyElementsOf(received.messages()));
	}

	@Test
	void aParticipantWhoLeavesThroughOneInstanceReceivesNothingMoreOnTheOther() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		Map<String, Received> revoked = connectToSecond(tokens.participant(alice)).subscribeAll(meeting);
		Map<String, Received> control = connectToSecond(tokens.server()).subscribeAll(meeting);

		assertThat(api.as(tokens.participant(alice))
			.delete("/api/meetings/" + meeting + "/participants/" + alice)
			.status()).isEqualTo(204);
		String bob = fixtures.participant("bob");
		fixtures.join(meeting, bob);
		long bobJoined = sequence(control.get("participant-joined").await(about(bob)));

		assertThat(highest(revoked.values())).isLessThan(bobJoined);
		assertThat(revoked.get("participant-joined").messages()).noneMatch(about(bob));
	}

	@Test
	void aConnectionClosedThroughOneInstanceStopsDeliveryThroughItOnTheOther() {
		String alice = fixtures.participant("alice");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connection = fixtures.connect(a, b);
		Received revoked = connectToSecond(tokens.participant(alice)).subscribe(topic(b, "participant-joined"));
		Received control = connectToSecond(tokens.server()).subscribe(topic(b, "participant-joined"));
		String carol = fixtures.participant("carol");
		fixtures.join(b, carol);
		revoked.await(about(carol));

		assertThat(api.delete("/api/meetings/" + b + "/connections/" + connection).status()).isEqualTo(204);
		String dave = fixtures.participant("dave");
		fixtures.join(b, dave);
		JsonNode daveJoined = control.await(about(dave));

		assertThat(revoked.messages()).noneMatch(about(dave));
		assertThat(revoked.messages())
			.allSatisfy((event) -> assertThat(sequence(event)).isLessThan(sequence(daveJoined)));
	}

	private StompTestClient connectToFirst(String token) {
		return track(stomp(token));
	}

	private StompTestClient connectToSecond(String token) {
		return track(StompTestClient.connect("ws://localhost:" + secondPort() + "/ws", token));
	}

	private StompTestClient track(StompTestClient client) {
		this.clients.add(client);
		return client;
	}

	private static int secondPort() {
		return Integer.parseInt(second.getEnvironment().getRequiredProperty("local.server.port"));
	}

}
