package dev.meetingbridge.stomp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.meetingbridge.security.Permission;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.Events;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.MembershipReads;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.StompTestClient.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.messaging.simp.stomp.StompHeaders;

import static dev.meetingbridge.support.Events.TIMESTAMP;
import static dev.meetingbridge.support.Events.about;
import static dev.meetingbridge.support.Events.assertContiguous;
import static dev.meetingbridge.support.Events.assertContiguousFrom;
import static dev.meetingbridge.support.Events.chat;
import static dev.meetingbridge.support.Events.highest;
import static dev.meetingbridge.support.Events.sequence;
import static dev.meetingbridge.support.Events.topic;
import static dev.meetingbridge.support.Events.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * STOMP over WebSocket end to end (docs/api.md 'Tokens and permissions', 'STOMP API',
 * 'Events'): CONNECT authentication, SUBSCRIBE rules, what each topic carries, sequence
 * order, client SENDs and live authority.
 */
class StompTopicsTests extends IntegrationTest {

	private final List<StompTestClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(StompTestClient::close);
	}

	// CONNECT

	@Test
	void connectWithABearerTokenInTheAuthorizationHeaderActsAsTheTokensParticipant() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		StompTestClient client = connect(tokens.participant(alice));
		Received joined = client.subscribe(topic(meeting, "participant-joined"));
		assertThat(joined.confirmed()).isTrue();
		String bob = fixtures.participant("bob");
		fixtures.join(meeting, bob);
		joined.await(about(bob));
	}

	@Test
	void connectWithTheBareTokenInThePasscodeHeaderActsAsTheTokensParticipant() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		StompHeaders headers = new StompHeaders();
		headers.setPasscode(tokens.participant(alice));
		StompTestClient client = track(StompTestClient.connect(wsUrl(), headers));
		Received joined = client.subscribe(topic(meeting, "participant-joined"));
		assertThat(joined.confirmed()).isTrue();
		String bob = fixtures.participant("bob");
		fixtures.join(meeting, bob);
		joined.await(about(bob));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "no token", "malformed token", "badly signed token", "expired token",
			"expired token as passcode", "token without Bearer scheme" })
	void connectWithoutAValidTokenGetsAnUnauthenticatedErrorAndTheConnectionCloses(String kind) {
		String alice = fixtures.participant("alice");
		StompHeaders headers = new StompHeaders();
		switch (kind) {
			case "no token" -> {
			}
			case "malformed token" -> headers.add("Authorization", "Bearer not-a-jwt");
			case "badly signed token" -> headers.add("Authorization", "Bearer " + tokens.badlySigned(alice));
			case "expired token" -> headers.add("Authorization", "Bearer " + tokens.expired(alice));
			case "expired token as passcode" -> headers.setPasscode(tokens.expired(alice));
			case "token without Bearer scheme" -> headers.add("Authorization", "Token " + tokens.participant(alice));
			default -> throw new IllegalArgumentException(kind);
		}
		StompTestClient client = track(StompTestClient.attempt(wsUrl(), headers));
		await().until(() -> client.closed() && !client.errorFrames().isEmpty());
		assertThat(client.errorFrames()).first().asString().startsWith("unauthenticated");
		assertThat(client.connected()).isFalse();
	}

	// SUBSCRIBE

	@Test
	void aMemberMaySubscribeToAllSixTopicsOfItsMeeting() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		StompTestClient client = connect(tokens.participant(alice));
		Map<String, Received> all = client.subscribeAll(meeting);
		assertThat(all.values()).allSatisfy((received) -> assertThat(received.confirmed()).isTrue());
		assertThat(client.errorFrames()).isEmpty();
		assertThat(client.connected()).isTrue();
	}

	@Test
	void aMemberOfAConnectedMeetingMaySubscribeToTheOtherMeetingsTopics() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		String other = fixtures.activeMeetingWith(fixtures.participant("bob"));
		fixtures.connect(meeting, other);
		StompTestClient client = connect(tokens.participant(alice));
		Map<String, Received> all = client.subscribeAll(other);
		assertThat(all.values()).allSatisfy((received) -> assertThat(received.confirmed()).isTrue());
		String carol = fixtures.participant("carol");
		fixtures.join(other, carol);
		all.get("participant-joined").await(about(carol));
		assertThat(client.errorFrames()).isEmpty();
	}

	@Test
	void aStrangerIsRefusedWithAForbiddenErrorAndTheConnectionCloses() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("alice"));
		// A member of a meeting that is not connected to this one is a stranger to it.
		String mallory = fixtures.participant("mallory");
		fixtures.activeMeetingWith(mallory);
		StompTestClient client = connect(tokens.participant(mallory));
		Received refused = client.subscribe(topic(meeting, "participant-joined"));
		await().until(() -> client.closed() && !client.errorFrames().isEmpty());
		assertThat(refused.confirmed()).isFalse();
		assertThat(client.errorFrames()).first().asString().startsWith("forbidden");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/topic/meetings/%s/not-a-type", "/topic/other", "/queue/foo", "/topic/meetings/%s",
			"/app/meetings/%s/join" })
	void subscribingToADestinationTheBridgeDoesNotServeGetsAnUnknownDestinationError(String destination) {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		StompTestClient client = connect(tokens.participant(alice));
		Received refused = client.subscribe(destination.formatted(meeting));
		await().until(() -> client.closed() && !client.errorFrames().isEmpty());
		assertThat(refused.confirmed()).isFalse();
		assertThat(client.errorFrames()).first().asString().startsWith("unknown-destination");
	}

	@Test
	void aSessionHoldsAtMost256SubscriptionsAndOneMoreGetsASubscriptionLimitError() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		StompTestClient client = connect(tokens.participant(alice));
		List<Received> held = new ArrayList<>();
		held.add(client.subscribe("/user/queue/errors"));
		for (int i = 1; i < 256; i++) {
			held.add(client.subscribe(topic(meeting, Events.TYPES.get(i % Events.TYPES.size()))));
		}
		assertThat(held).allSatisfy((subscription) -> assertThat(subscription.confirmed()).isTrue());

		Received refused = client.subscribe(topic(meeting, "chat-message"));
		await().until(() -> client.closed() && !client.errorFrames().isEmpty());
		assertThat(refused.confirmed()).isFalse();
		assertThat(client.errorFrames()).first().asString().startsWith("subscription-limit");
	}

	@Test
	void aServerTokenMaySubscribeToAnyMeetingEvenBeforeItExists() {
		String existing = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String future = unique("meeting");
		StompTestClient server = connect(tokens.server());
		Map<String, Received> ofExisting = server.subscribeAll(existing);
		Map<String, Received> ofFuture = server.subscribeAll(future);
		assertThat(ofExisting.values()).allSatisfy((received) -> assertThat(received.confirmed()).isTrue());
		assertThat(ofFuture.values()).allSatisfy((received) -> assertThat(received.confirmed()).isTrue());
		assertThat(api.post("/api/meetings", Map.of("meetingId", future)).status()).isEqualTo(201);
		String bob = fixtures.participant("bob");
		fixtures.join(future, bob);
		assertThat(sequence(ofFuture.get("participant-joined").await(about(bob)))).isEqualTo(1);
		assertThat(server.errorFrames()).isEmpty();
	}

	// What each topic carries

	@Test
	void participantJoinedCarriesTheParticipantOnItsOwnTopicOnly() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		Map<String, Received> all = connect(tokens.participant(alice)).subscribeAll(meeting);
		String bob = fixtures.participant("bob");
		assertThat(api.post(participants(meeting), Map.of("participantId", bob, "displayName", "Bob B.")).status())
			.isEqualTo(201);
		JsonNode event = all.get("participant-joined").await(about(bob));
		assertEnvelope(event, "participant-joined", meeting, 2);
		assertThat(event.path("participant").path("displayName").asString()).isEqualTo("Bob B.");
		assertThat(event.path("participant").path("joinedAt").asString()).matches(TIMESTAMP);
		assertThat(total(all.values())).isEqualTo(1);
	}

	@Test
	void participantLeftCarriesTheParticipantAndWhyItLeft() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String carol = fixtures.participant("carol");
		String meeting = fixtures.activeMeetingWith(alice, bob, carol);
		Map<String, Received> all = connect(tokens.participant(alice)).subscribeAll(meeting);
		assertThat(api.as(tokens.participant(bob)).delete(participants(meeting) + "/" + bob).status()).isEqualTo(204);
		assertThat(api.delete(participants(meeting) + "/" + carol).status()).isEqualTo(204);
		Received left = all.get("participant-left");
		JsonNode bobLeft = left.await(about(bob));
		JsonNode carolRemoved = left.await(about(carol));
		assertEnvelope(bobLeft, "participant-left", meeting, 4);
		assertThat(bobLeft.path("reason").asString()).isEqualTo("left");
		assertThat(bobLeft.path("participant").path("displayName").asString()).isEqualTo(bob);
		assertThat(bobLeft.path("participant").path("joinedAt").asString()).matches(TIMESTAMP);
		assertEnvelope(carolRemoved, "participant-left", meeting, 5);
		assertThat(carolRemoved.path("reason").asString()).isEqualTo("removed");
		assertThat(total(all.values())).isEqualTo(2);
	}

	@Test
	void chatMessageIsPublishedOnTheReceivingMeetingOnly() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);
		String connection = fixtures.connect(a, b);
		// Each of them may read both meetings: as a member of one and through the
		// connection the other.
		StompTestClient aliceClient = connect(tokens.participant(alice));
		StompTestClient bobClient = connect(tokens.participant(bob));
		List<Received> ofA = List.of(aliceClient.subscribe(topic(a, "chat-message")),
				bobClient.subscribe(topic(a, "chat-message")));
		List<Received> ofB = List.of(aliceClient.subscribe(topic(b, "chat-message")),
				bobClient.subscribe(topic(b, "chat-message")));

		Api.Response sent = api.as(tokens.participant(alice))
			.post(chatMessages(a, connection), Map.of("message", "hello B"));
		assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
		JsonNode event = ofB.get(1).await(chat("hello B"));
		assertEnvelope(event, "chat-message", b, 3);
		JsonNode message = event.path("message");
		assertThat(message.path("id").asString()).isEqualTo(sent.json().path("id").asString()).isNotBlank();
		assertThat(message.path("connectionId").asString()).isEqualTo(connection);
		assertThat(message.path("fromMeetingId").asString()).isEqualTo(a);
		assertThat(message.path("toMeetingId").asString()).isEqualTo(b);
		assertThat(message.path("sender").path("id").asString()).isEqualTo(alice);
		assertThat(message.path("sender").path("displayName").asString()).isEqualTo(alice);
		assertThat(message.path("timestamp").asString()).matches(TIMESTAMP);

		// A later chat the other way proves that A's topic never carried the first.
		api.as(tokens.participant(bob)).post(chatMessages(b, connection), Map.of("message", "hello A"));
		ofA.forEach((received) -> received.await(chat("hello A")));
		assertThat(ofA).allSatisfy((received) -> assertThat(received.messages()).singleElement()
			.satisfies((only) -> assertThat(only.path("meetingId").asString()).isEqualTo(a)));
		assertThat(ofB).allSatisfy((received) -> assertThat(received.messages()).singleElement()
			.satisfies((only) -> assertThat(chat("hello B")).accepts(only)));
	}

	@Test
	void aChatMessageReachesEachSubscriptionOfTheReceivingMeetingExactlyOnce() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String dana = fixtures.participant("dana");
		String a = fixtures.activeMeetingWith(alice, dana);
		String b = fixtures.activeMeetingWith(bob, dana);
		String connection = fixtures.connect(a, b);
		StompTestClient bobClient = connect(tokens.participant(bob));
		// Dana may read B twice over: as its member and through the connection from A.
		StompTestClient danaClient = connect(tokens.participant(dana));
		List<Received> subscriptions = List.of(bobClient.subscribe(topic(b, "chat-message")),
				bobClient.subscribe(topic(b, "chat-message")), danaClient.subscribe(topic(b, "chat-message")),
				connect(tokens.server()).subscribe(topic(b, "chat-message")));
		Api aliceApi = api.as(tokens.participant(alice));
		aliceApi.post(chatMessages(a, connection), Map.of("message", "first"));
		aliceApi.post(chatMessages(a, connection), Map.of("message", "second"));
		subscriptions.forEach((received) -> received.await(chat("second")));
		assertThat(subscriptions).allSatisfy((received) -> assertThat(received.messages())
			.map((event) -> event.path("message").path("message").asString())
			.containsExactly("first", "second"));
	}

	@Test
	void connectionOpenShowsTheConnectionAsSeenFromEachMeetingsSide() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);
		Map<String, Received> ofA = connect(tokens.participant(alice)).subscribeAll(a);
		Map<String, Received> ofB = connect(tokens.participant(bob)).subscribeAll(b);
		Api.Response opened = api.post("/api/meetings/" + a + "/connections", Map.of("meetingId", b, "payload", "p-1"));
		assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
		String id = opened.json().path("id").asString();

		JsonNode fromA = ofA.get("connection-open").awaitSize(1).get(0);
		assertEnvelope(fromA, "connection-open", a, 2);
		assertConnection(fromA.path("connection"), id, a, b, bob);
		JsonNode fromB = ofB.get("connection-open").awaitSize(1).get(0);
		assertEnvelope(fromB, "connection-open", b, 2);
		assertConnection(fromB.path("connection"), id, b, a, alice);
		assertThat(total(ofA.values())).isEqualTo(1);
		assertThat(total(ofB.values())).isEqualTo(1);
	}

	@Test
	void connectionCloseCarriesTheConnectionIdAndWhyItClosed() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);
		String c = fixtures.activeMeetingWith(fixtures.participant("carol"));
		String closed = fixtures.connect(a, b);
		String ended = fixtures.connect(c, b);
		Received aliceSees = connect(tokens.participant(alice)).subscribe(topic(a, "connection-close"));
		Received bobSees = connect(tokens.participant(bob)).subscribe(topic(b, "connection-close"));

		assertThat(api.delete("/api/meetings/" + a + "/connections/" + closed).status()).isEqualTo(204);
		JsonNode onA = aliceSees.awaitSize(1).get(0);
		assertEnvelope(onA, "connection-close", a, 3);
		assertThat(onA.path("connectionId").asString()).isEqualTo(closed);
		assertThat(onA.path("reason").asString()).isEqualTo("closed");
		JsonNode onB = bobSees.await((event) -> closed.equals(event.path("connectionId").asString()));
		assertEnvelope(onB, "connection-close", b, 4);
		assertThat(onB.path("reason").asString()).isEqualTo("closed");

		assertThat(api.post("/api/meetings/" + c + "/end").status()).isEqualTo(200);
		JsonNode endedOnB = bobSees.await((event) -> ended.equals(event.path("connectionId").asString()));
		assertEnvelope(endedOnB, "connection-close", b, 5);
		assertThat(endedOnB.path("reason").asString()).isEqualTo("meeting-ended");
		assertThat(bobSees.messages()).hasSize(2);
	}

	@Test
	void meetingEndedSaysWhoEndedTheMeeting() {
		String moderator = fixtures.participant("mod");
		String ended = fixtures.activeMeetingWith(moderator);
		String other = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connection = fixtures.connect(ended, other);
		StompTestClient server = connect(tokens.server());
		Received otherEnded = server.subscribe(topic(other, "meeting-ended"));
		Received ownEnded = server.subscribe(topic(ended, "meeting-ended"));
		Api moderatorApi = api.as(tokens.moderator(moderator));

		// Over the connection: the moderator of one meeting ends the other.
		assertThat(moderatorApi.post("/api/meetings/" + ended + "/connections/" + connection + "/end").status())
			.isEqualTo(200);
		JsonNode overConnection = otherEnded.awaitSize(1).get(0);
		assertEnvelope(overConnection, "meeting-ended", other, sequence(overConnection));
		assertThat(overConnection.path("endedBy").path("meetingId").asString()).isEqualTo(ended);
		assertThat(overConnection.path("endedBy").path("participantId").asString()).isEqualTo(moderator);

		// Directly: a moderating member ends its own meeting.
		assertThat(moderatorApi.post("/api/meetings/" + ended + "/end").status()).isEqualTo(200);
		JsonNode directly = ownEnded.awaitSize(1).get(0);
		assertEnvelope(directly, "meeting-ended", ended, sequence(directly));
		assertThat(directly.path("endedBy").path("meetingId").asString()).isEqualTo(ended);
		assertThat(directly.path("endedBy").path("participantId").asString()).isEqualTo(moderator);
	}

	// Sequence order

	@Test
	void aSubscriberSeesEveryEventOfTheMeetingOnceAndInSequenceOrderAcrossTopics() {
		String meeting = fixtures.activeMeetingWith();
		String host = fixtures.participant("host");
		String other = fixtures.activeMeetingWith(host);
		Map<String, Received> fromTheStart = connect(tokens.server()).subscribeAll(meeting);
		String alice = fixtures.participant("alice");
		fixtures.join(meeting, alice);
		Map<String, Received> fromTheirJoin = connect(tokens.participant(alice)).subscribeAll(meeting);
		String connection = fixtures.connect(other, meeting);

		burst(meeting, other, connection, host, 10);
		assertThat(api.delete("/api/meetings/" + other + "/connections/" + connection).status()).isEqualTo(204);
		assertThat(api.post("/api/meetings/" + meeting + "/end").status()).isEqualTo(200);

		long latest = api.get("/api/meetings/" + meeting + "/events?limit=1").json().path("latestSequence").asLong();
		// join, open, 10 x (join, chat, leave), close, alice's leave, ended
		assertThat(latest).isEqualTo(35);
		await().until(() -> total(fromTheStart.values()) >= latest);
		assertContiguous(fromTheStart, meeting, 1, latest);
		// Alice subscribed after her own join and, as a member until the meeting ended,
		// saw the whole ending cascade up to meeting-ended.
		await().until(() -> highest(fromTheirJoin.values()) >= latest);
		assertThat(assertContiguousFrom(fromTheirJoin, meeting, 2)).isEqualTo(latest);
	}

	// Client SENDs

	@Test
	void joinSendJoinsTheTokensParticipantAndJoiningAgainPublishesNothing() {
		String meeting = fixtures.activeMeetingWith();
		Received joined = connect(tokens.server()).subscribe(topic(meeting, "participant-joined"));
		String carol = fixtures.participant("carol");
		StompTestClient client = connect(tokens.participant(carol));
		Received errors = client.subscribe("/user/queue/errors");

		client.send(join(meeting), Map.of("displayName", "Carol C."));
		JsonNode event = joined.await(about(carol));
		assertThat(event.path("participant").path("displayName").asString()).isEqualTo("Carol C.");
		JsonNode listed = api.get(participants(meeting)).json().path("participants").path(carol);
		assertThat(listed.path("displayName").asString()).isEqualTo("Carol C.");

		client.send(join(meeting), Map.of("displayName", "Carol again"));
		client.sync();
		String later = fixtures.participant("later");
		fixtures.join(meeting, later);
		assertThat(sequence(joined.await(about(later)))).isEqualTo(sequence(event) + 1);
		assertThat(joined.messages()).filteredOn(about(carol)).hasSize(1);
		assertThat(errors.messages()).isEmpty();
	}

	@Test
	void leaveSendMakesTheTokensParticipantLeave() {
		String carol = fixtures.participant("carol");
		String meeting = fixtures.activeMeetingWith(carol);
		Received left = connect(tokens.server()).subscribe(topic(meeting, "participant-left"));
		StompTestClient client = connect(tokens.participant(carol));
		client.send("/app/meetings/" + meeting + "/leave", Map.of());
		assertThat(left.await(about(carol)).path("reason").asString()).isEqualTo("left");
		assertThat(api.get(participants(meeting)).json().path("participants").has(carol)).isFalse();
	}

	@Test
	void chatSendDeliversTheMessageToTheOtherMeeting() {
		ChatPair pair = chatPair();
		connect(tokens.participant(pair.alice())).send(chatSend(pair.a(), pair.connection()),
				Map.of("message", "over STOMP"));
		JsonNode message = pair.bobSees().await(chat("over STOMP")).path("message");
		assertThat(message.path("sender").path("id").asString()).isEqualTo(pair.alice());
		assertThat(message.path("fromMeetingId").asString()).isEqualTo(pair.a());
		assertThat(message.path("toMeetingId").asString()).isEqualTo(pair.b());
	}

	@Test
	void theLongestChatSendArrivesWholeThoughItExceedsTheSocketsReceiveBuffer() {
		ChatPair pair = chatPair();
		// 4,095 characters, many of two or three bytes: the frame reaches the bridge in
		// several parts.
		String longest = "Grüße ✓ ".repeat(512).strip();
		connect(tokens.participant(pair.alice())).send(chatSend(pair.a(), pair.connection()),
				Map.of("message", longest));
		JsonNode message = pair.bobSees().await(chat(longest)).path("message");
		assertThat(message.path("message").asString()).hasSize(longest.length());
	}

	/** Alice's meeting connected to Bob's, Bob subscribed to his meeting's chat. */
	private ChatPair chatPair() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);
		String connection = fixtures.connect(a, b);
		return new ChatPair(alice, a, b, connection,
				connect(tokens.participant(bob)).subscribe(topic(b, "chat-message")));
	}

	private record ChatPair(String alice, String a, String b, String connection, Received bobSees) {
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "blank displayName", "no displayName", "displayName of 101 characters",
			"participantId of somebody else" })
	void anInvalidJoinSendIsRefusedOnTheErrorQueueAndTheSessionStaysOpen(String kind) {
		String meeting = fixtures.activeMeetingWith();
		Received joined = connect(tokens.server()).subscribe(topic(meeting, "participant-joined"));
		String carol = fixtures.participant("carol");
		StompTestClient client = connect(tokens.participant(carol));
		Received errors = client.subscribe("/user/queue/errors");

		switch (kind) {
			case "blank displayName" -> client.send(join(meeting), Map.of("displayName", "   "));
			case "no displayName" -> client.send(join(meeting), Map.of());
			case "displayName of 101 characters" -> client.send(join(meeting), Map.of("displayName", "x".repeat(101)));
			case "participantId of somebody else" ->
				client.send(join(meeting), Map.of("displayName", "Bob", "participantId", fixtures.participant("bob")));
			default -> throw new IllegalArgumentException(kind);
		}
		if (kind.startsWith("participantId")) {
			assertProblem(errors.awaitSize(1).get(0), 403, "forbidden");
		}
		else {
			assertProblem(errors.awaitSize(1).get(0), 400, "validation-failed");
		}

		client.send(join(meeting), Map.of("displayName", "Carol"));
		assertThat(sequence(joined.await(about(carol)))).isEqualTo(1);
		assertThat(joined.messages()).singleElement();
		assertStillOpen(client, errors);
	}

	@Test
	void aJoinSendWithoutAllowJoinIsRefusedOnTheErrorQueueAndTheSessionStaysOpen() {
		String carol = fixtures.participant("carol");
		String member = fixtures.activeMeetingWith(carol);
		String meeting = fixtures.activeMeetingWith();
		StompTestClient server = connect(tokens.server());
		Received joined = server.subscribe(topic(meeting, "participant-joined"));
		Received left = server.subscribe(topic(member, "participant-left"));
		StompTestClient client = connect(tokens.withPermissions(carol, EnumSet.noneOf(Permission.class), null));
		Received errors = client.subscribe("/user/queue/errors");

		client.send(join(meeting), Map.of("displayName", "Carol"));
		assertProblem(errors.awaitSize(1).get(0), 403, "forbidden");

		// Leaving needs no permission: the same session still acts.
		client.send("/app/meetings/" + member + "/leave", Map.of());
		left.await(about(carol));
		assertThat(joined.messages()).isEmpty();
		assertStillOpen(client, errors);
	}

	@Test
	void aChatSendByANonMemberIsRefusedOnTheErrorQueueAndTheSessionStaysOpen() {
		String a = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String b = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connection = fixtures.connect(a, b);
		Received chats = connect(tokens.server()).subscribe(topic(b, "chat-message"));
		String mallory = fixtures.participant("mallory");
		StompTestClient client = connect(tokens.participant(mallory));
		Received errors = client.subscribe("/user/queue/errors");

		client.send(chatSend(a, connection), Map.of("message", "not a member yet"));
		assertProblem(errors.awaitSize(1).get(0), 403, "forbidden");

		client.send(join(a), Map.of("displayName", "Mallory"));
		client.send(chatSend(a, connection), Map.of("message", "now a member"));
		chats.await(chat("now a member"));
		assertThat(chats.messages()).singleElement()
			.satisfies((only) -> assertThat(chat("now a member")).accepts(only));
		assertStillOpen(client, errors);
	}

	@Test
	void aSendWithAMalformedJsonBodyIsRefusedOnlyToTheSendingSessionWhichStaysOpen() {
		String meeting = fixtures.activeMeetingWith();
		Received joined = connect(tokens.server()).subscribe(topic(meeting, "participant-joined"));
		String carol = fixtures.participant("carol");
		StompTestClient client = connect(tokens.participant(carol));
		Received errors = client.subscribe("/user/queue/errors");
		Received otherSessionErrors = connect(tokens.participant(carol)).subscribe("/user/queue/errors");

		client.send(join(meeting), "{\"displayName\": ");
		assertProblem(errors.awaitSize(1).get(0), 400, "malformed-json");

		client.send(join(meeting), Map.of("displayName", "Carol"));
		joined.await(about(carol));
		assertStillOpen(client, errors);
		assertThat(otherSessionErrors.messages()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/app/meetings/%s/dance", "/app/elsewhere", "/topic/meetings/%s/participant-joined",
			"/user/someone/queue/errors", "/queue/errors" })
	void aSendToADestinationTheBridgeDoesNotServeIsRefusedOnTheErrorQueueAndTheSessionStaysOpen(String destination) {
		String meeting = fixtures.activeMeetingWith();
		Received joined = connect(tokens.server()).subscribe(topic(meeting, "participant-joined"));
		String carol = fixtures.participant("carol");
		StompTestClient client = connect(tokens.participant(carol));
		Received errors = client.subscribe("/user/queue/errors");

		// Shaped like an event, so that a bridge which relayed it would be caught.
		client.send(destination.formatted(meeting), Map.of("type", "participant-joined", "meetingId", meeting,
				"sequence", 1, "participant", Map.of("id", "forged", "displayName", "forged")));
		JsonNode problem = errors.awaitSize(1).get(0);
		assertProblem(problem, problem.path("status").asInt(), "unknown-destination");
		assertThat(problem.path("status").asInt()).isBetween(400, 499);

		client.send(join(meeting), Map.of("displayName", "Carol"));
		assertThat(joined.await(about(carol)).path("sequence").asLong()).isEqualTo(1);
		assertThat(joined.messages()).singleElement();
		assertStillOpen(client, errors);
	}

	// Live authority

	@Test
	void aParticipantWhoLeavesReceivesNothingMoreOfTheMeeting() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String meeting = fixtures.activeMeetingWith(alice, bob);
		String other = fixtures.activeMeetingWith(fixtures.participant("host"));
		StompTestClient aliceClient = connect(tokens.participant(alice));
		Map<String, Received> revoked = aliceClient.subscribeAll(meeting);
		Map<String, Received> control = connect(tokens.server()).subscribeAll(meeting);

		aliceClient.send("/app/meetings/" + meeting + "/leave", Map.of());
		long aliceLeft = sequence(control.get("participant-left").await(about(alice)));
		String carol = fixtures.participant("carol");
		fixtures.join(meeting, carol);
		api.delete(participants(meeting) + "/" + bob);
		fixtures.connect(other, meeting);
		control.get("connection-open").awaitSize(1);

		assertThat(highest(revoked.values())).isLessThanOrEqualTo(aliceLeft);
		assertThat(revoked.get("participant-joined").messages()).noneMatch(about(carol));
		assertThat(revoked.get("connection-open").messages()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "the connection is closed from the subscriber's side",
			"the connection is closed from the other side", "the subscriber leaves its own meeting" })
	void aSubscriberWhoSawAMeetingThroughAConnectionReceivesNothingMoreOnceItLosesThatGround(String revocation) {
		String alice = fixtures.participant("alice");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connection = fixtures.connect(a, b);
		Map<String, Received> revoked = connect(tokens.participant(alice)).subscribeAll(b);
		Map<String, Received> control = connect(tokens.server()).subscribeAll(b);
		String carol = fixtures.participant("carol");
		fixtures.join(b, carol);
		revoked.get("participant-joined").await(about(carol));

		switch (revocation) {
			case "the connection is closed from the subscriber's side" ->
				assertThat(api.delete("/api/meetings/" + a + "/connections/" + connection).status()).isEqualTo(204);
			case "the connection is closed from the other side" ->
				assertThat(api.delete("/api/meetings/" + b + "/connections/" + connection).status()).isEqualTo(204);
			case "the subscriber leaves its own meeting" ->
				assertThat(api.as(tokens.participant(alice)).delete(participants(a) + "/" + alice).status())
					.isEqualTo(204);
			default -> throw new IllegalArgumentException(revocation);
		}
		String dave = fixtures.participant("dave");
		fixtures.join(b, dave);
		long daveJoined = sequence(control.get("participant-joined").await(about(dave)));

		assertThat(highest(revoked.values())).isLessThan(daveJoined);
		assertThat(revoked.get("participant-joined").messages()).noneMatch(about(dave));
	}

	@Test
	void aSubscriberAllowedOnTwoGroundsKeepsReceivingWhileOneRemains() {
		String dana = fixtures.participant("dana");
		String a = fixtures.activeMeetingWith(dana);
		String b = fixtures.activeMeetingWith(dana);
		String connection = fixtures.connect(a, b);
		// Dana may read B as its member and through the connection from A.
		Received both = connect(tokens.participant(dana)).subscribe(topic(b, "participant-joined"));
		Received control = connect(tokens.server()).subscribe(topic(b, "participant-joined"));

		assertThat(api.delete("/api/meetings/" + a + "/connections/" + connection).status()).isEqualTo(204);
		String carol = fixtures.participant("carol");
		fixtures.join(b, carol);
		both.await(about(carol));

		assertThat(api.as(tokens.participant(dana)).delete(participants(b) + "/" + dana).status()).isEqualTo(204);
		String eve = fixtures.participant("eve");
		fixtures.join(b, eve);
		control.await(about(eve));
		assertThat(both.messages()).noneMatch(about(eve));
	}

	@Test
	void membersAndConnectedSubscribersReceiveTheEndingUpToMeetingEndedAndMayNotSubscribeAgain() {
		String alice = fixtures.participant("alice");
		String moderator = fixtures.participant("mod");
		String carol = fixtures.participant("carol");
		String meeting = fixtures.activeMeetingWith(alice, moderator);
		String connected = fixtures.activeMeetingWith(carol);
		fixtures.connect(connected, meeting);
		StompTestClient aliceClient = connect(tokens.participant(alice));
		Map<String, Received> member = aliceClient.subscribeAll(meeting);
		Map<String, Received> throughConnection = connect(tokens.participant(carol)).subscribeAll(meeting);
		Map<String, Received> control = connect(tokens.server()).subscribeAll(meeting);

		assertThat(api.as(tokens.moderator(moderator)).post("/api/meetings/" + meeting + "/end").status())
			.isEqualTo(200);
		JsonNode ended = control.get("meeting-ended").awaitSize(1).get(0);
		assertThat(ended.path("endedBy").path("participantId").asString()).isEqualTo(moderator);
		control.get("participant-left").await(about(alice));
		long connectionClosed = sequence(control.get("connection-close").awaitSize(1).get(0));
		assertThat(control.get("participant-left").messages())
			.allSatisfy((left) -> assertThat(left.path("reason").asString()).isEqualTo("meeting-ended"));
		assertContiguous(control, meeting, 4, sequence(ended));

		// The cascade keeps their grounds until meeting-ended, which is the last thing
		// they receive.
		assertThat(member.get("meeting-ended").awaitSize(1)).hasSize(1);
		assertThat(throughConnection.get("meeting-ended").awaitSize(1)).hasSize(1);
		assertContiguous(member, meeting, 4, sequence(ended));
		assertThat(member.get("participant-left").messages()).anyMatch(about(alice));
		assertThat(throughConnection.get("connection-close").messages())
			.anyMatch((closed) -> sequence(closed) == connectionClosed);

		// A former member may not subscribe again.
		aliceClient.subscribe(topic(meeting, "meeting-ended"));
		await().until(() -> !aliceClient.errorFrames().isEmpty());
		assertThat(aliceClient.errorFrames()).first().asString().startsWith("forbidden");
	}

	@Test
	void aSubscribeThatRacesWithTheSubscribersLeaveDoesNotOutliveTheLeave() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice, fixtures.participant("bob"));
		Map<String, Received> control = connect(tokens.server()).subscribeAll(meeting);
		StompTestClient aliceClient = connect(tokens.participant(alice));
		// Alice leaves after the SUBSCRIBE found her a member, before it is registered.
		CompletableFuture<Void> raced = MembershipReads.afterRead(meeting, alice, 1, () -> {
			assertThat(api.as(tokens.participant(alice)).delete(participants(meeting) + "/" + alice).status())
				.isEqualTo(204);
			control.get("participant-left").await(about(alice));
		});
		Received revoked = aliceClient.subscribe(topic(meeting, "participant-joined"));
		raced.orTimeout(10, TimeUnit.SECONDS).join();

		String carol = fixtures.participant("carol");
		fixtures.join(meeting, carol);
		control.get("participant-joined").await(about(carol));
		assertThat(revoked.messages()).isEmpty();
	}

	@Test
	void aSubscribeThatRacesWithTheClosingOfItsConnectionDoesNotOutliveTheConnection() {
		String alice = fixtures.participant("alice");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connection = fixtures.connect(a, b);
		Map<String, Received> control = connect(tokens.server()).subscribeAll(b);
		StompTestClient aliceClient = connect(tokens.participant(alice));
		// The SUBSCRIBE reads Alice's membership of A twice: before and after it listens
		// to A.
		CompletableFuture<Void> raced = MembershipReads.afterRead(a, alice, 2, () -> {
			assertThat(api.delete("/api/meetings/" + a + "/connections/" + connection).status()).isEqualTo(204);
			control.get("connection-close").awaitSize(1);
		});
		Received revoked = aliceClient.subscribe(topic(b, "participant-joined"));
		raced.orTimeout(10, TimeUnit.SECONDS).join();

		String carol = fixtures.participant("carol");
		fixtures.join(b, carol);
		control.get("participant-joined").await(about(carol));
		assertThat(revoked.messages()).isEmpty();
	}

	@Test
	void anUnsubscribedTopicReceivesNothingMore() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		StompTestClient client = connect(tokens.participant(alice));
		Received dropped = client.subscribe(topic(meeting, "participant-joined"));
		Received kept = client.subscribe(topic(meeting, "participant-joined"));
		dropped.unsubscribe();
		client.sync();
		String bob = fixtures.participant("bob");
		fixtures.join(meeting, bob);
		kept.await(about(bob));
		assertThat(dropped.messages()).isEmpty();
	}

	// Helpers

	private StompTestClient connect(String token) {
		return track(stomp(token));
	}

	private StompTestClient track(StompTestClient client) {
		this.clients.add(client);
		return client;
	}

	/** Joins, chats and leaves, rounds times over, from three threads at once. */
	private void burst(String meeting, String other, String connection, String host, int rounds) {
		Api hostApi = api.as(tokens.participant(host));
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			CompletableFuture.allOf(IntStream.range(0, rounds).mapToObj((i) -> CompletableFuture.runAsync(() -> {
				String participant = fixtures.participant("p" + i);
				fixtures.join(meeting, participant);
				Api.Response sent = hostApi.post(chatMessages(other, connection), Map.of("message", "chat " + i));
				assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
				Api.Response left = api.as(tokens.participant(participant))
					.delete(participants(meeting) + "/" + participant);
				assertThat(left.status()).as(left.toString()).isEqualTo(204);
			}, pool)).toArray(CompletableFuture[]::new)).join();
		}
		finally {
			pool.shutdown();
		}
	}

	private static void assertEnvelope(JsonNode event, String type, String meetingId, long sequence) {
		assertThat(event.path("type").asString()).isEqualTo(type);
		assertThat(event.path("meetingId").asString()).isEqualTo(meetingId);
		assertThat(event.path("sequence").isIntegralNumber()).as("sequence is a number: %s", event).isTrue();
		assertThat(event.path("sequence").asLong()).isEqualTo(sequence);
		assertThat(event.path("timestamp").asString()).matches(TIMESTAMP);
	}

	private static void assertConnection(JsonNode connection, String id, String meetingId, String otherMeetingId,
			String otherParticipant) {
		assertThat(connection.path("id").asString()).isEqualTo(id);
		assertThat(connection.path("payload").asString()).isEqualTo("p-1");
		assertThat(connection.path("createdAt").asString()).matches(TIMESTAMP);
		assertThat(connection.path("meetingId").asString()).isEqualTo(meetingId);
		assertThat(connection.path("meeting").path("id").asString()).isEqualTo(otherMeetingId);
		assertThat(connection.path("meeting").path("participants").path(otherParticipant).path("id").asString())
			.isEqualTo(otherParticipant);
	}

	/** A problem-detail body: {@code type?, title, status, detail, code}. */
	private static void assertProblem(JsonNode problem, int status, String code) {
		assertThat(problem.path("code").asString()).as(problem.toString()).isEqualTo(code);
		assertThat(problem.path("status").asInt()).as(problem.toString()).isEqualTo(status);
		assertThat(problem.path("title").asString()).as(problem.toString()).isNotBlank();
		assertThat(problem.path("detail").isString()).as(problem.toString()).isTrue();
		if (problem.has("type")) {
			assertThat(problem.path("type").isString()).as(problem.toString()).isTrue();
		}
	}

	/** The session was neither refused nor closed, and no further error was reported. */
	private static void assertStillOpen(StompTestClient client, Received errors) {
		assertThat(client.errorFrames()).isEmpty();
		assertThat(client.connected()).isTrue();
		assertThat(errors.messages()).hasSize(1);
	}

	private static String participants(String meetingId) {
		return "/api/meetings/" + meetingId + "/participants";
	}

	private static String chatMessages(String meetingId, String connectionId) {
		return "/api/meetings/" + meetingId + "/connections/" + connectionId + "/chat-messages";
	}

	private static String chatSend(String meetingId, String connectionId) {
		return "/app/meetings/" + meetingId + "/connections/" + connectionId + "/chat-messages";
	}

	private static String join(String meetingId) {
		return "/app/meetings/" + meetingId + "/join";
	}

}
