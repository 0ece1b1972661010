package dev.meetingbridge.connection;

import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opening, listing, reading and closing connections between two meetings over REST
 * (docs/api.md 'Tokens and permissions', 'REST API', 'Events').
 */
class ConnectionApiTests extends IntegrationTest {

	private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

	@Test
	void connectingReturnsTheConnectionAsSeenFromTheRequestingMeeting() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String carol = fixtures.participant("carol");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob, carol);

		Api.Response connected = api.as(tokens.moderator(alice))
			.post(connections(a), Map.of("meetingId", b, "payload", "from mars"));

		assertThat(connected.status()).as(connected.toString()).isEqualTo(201);
		JsonNode connection = connected.json();
		assertThat(connection.path("id").asString()).isNotBlank();
		assertThat(connection.path("payload").asString()).isEqualTo("from mars");
		assertThat(connection.path("createdAt").asString()).matches(TIMESTAMP);
		assertThat(connection.path("meetingId").asString()).isEqualTo(a);
		assertThat(connection.path("meeting").path("id").asString()).isEqualTo(b);
		JsonNode participants = connection.path("meeting").path("participants");
		assertThat(ids(participants)).containsExactlyInAnyOrder(bob, carol);
		assertThat(participants.path(bob).path("id").asString()).isEqualTo(bob);
		assertThat(participants.path(bob).path("displayName").asString()).isEqualTo(bob);
		assertThat(participants.path(bob).path("joinedAt").asString()).matches(TIMESTAMP);
	}

	@Test
	void anAbsentPayloadBecomesAnEmptyString() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();

		Api.Response connected = api.post(connections(a), Map.of("meetingId", b));

		assertThat(connected.status()).as(connected.toString()).isEqualTo(201);
		assertThat(connected.json().has("payload")).isTrue();
		assertThat(connected.json().path("payload").asString()).isEmpty();
		Api.Response fromB = api.get(connections(b) + "/" + connected.json().path("id").asString());
		assertThat(fromB.json().path("payload").asString()).isEmpty();
	}

	@Test
	void aPayloadOfAtMost4096CharactersIsAcceptedAndALongerOneRefused() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String c = fixtures.activeMeetingWith();

		Api.Response tooLong = api.post(connections(a), Map.of("meetingId", b, "payload", "x".repeat(4097)));

		assertThat(tooLong.status()).as(tooLong.toString()).isEqualTo(400);
		assertThat(tooLong.code()).isEqualTo("validation-failed");
		assertThat(tooLong.json().path("errors").get(0).path("field").asString()).isEqualTo("payload");
		assertThat(api.get(connections(a)).json().path("connections").size()).isZero();
		assertThat(events(a)).isEmpty();
		assertThat(events(b)).isEmpty();

		Api.Response longest = api.post(connections(a), Map.of("meetingId", c, "payload", "x".repeat(4096)));
		assertThat(longest.status()).as(longest.toString()).isEqualTo(201);
		assertThat(longest.json().path("payload").asString()).hasSize(4096);
	}

	@Test
	void openingAConnectionPublishesConnectionOpenOnBothMeetingsEachShowingTheOtherSide() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);

		String connectionId = fixtures.connect(a, b);

		List<JsonNode> openedOnA = events(a, "connection-open");
		assertThat(openedOnA).hasSize(1);
		JsonNode seenFromA = openedOnA.get(0);
		assertThat(seenFromA.path("meetingId").asString()).isEqualTo(a);
		assertThat(seenFromA.path("sequence").asLong()).isEqualTo(latestSequence(a));
		assertThat(seenFromA.path("connection").path("id").asString()).isEqualTo(connectionId);
		assertThat(seenFromA.path("connection").path("meetingId").asString()).isEqualTo(a);
		assertThat(seenFromA.path("connection").path("meeting").path("id").asString()).isEqualTo(b);
		assertThat(ids(seenFromA.path("connection").path("meeting").path("participants"))).containsExactly(bob);

		List<JsonNode> openedOnB = events(b, "connection-open");
		assertThat(openedOnB).hasSize(1);
		JsonNode seenFromB = openedOnB.get(0);
		assertThat(seenFromB.path("meetingId").asString()).isEqualTo(b);
		assertThat(seenFromB.path("sequence").asLong()).isEqualTo(latestSequence(b));
		assertThat(seenFromB.path("connection").path("id").asString()).isEqualTo(connectionId);
		assertThat(seenFromB.path("connection").path("meetingId").asString()).isEqualTo(b);
		assertThat(seenFromB.path("connection").path("meeting").path("id").asString()).isEqualTo(a);
		assertThat(ids(seenFromB.path("connection").path("meeting").path("participants"))).containsExactly(alice);
	}

	@Test
	void connectingAgainReturnsTheOpenConnectionWithoutPublishing() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String connectionId = fixtures.connect(a, b);
		long sequenceOfA = latestSequence(a);
		long sequenceOfB = latestSequence(b);

		Api.Response again = api.post(connections(a), Map.of("meetingId", b));

		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.json().path("id").asString()).isEqualTo(connectionId);
		assertThat(again.json().path("meetingId").asString()).isEqualTo(a);
		assertThat(again.json().path("meeting").path("id").asString()).isEqualTo(b);
		assertThat(latestSequence(a)).isEqualTo(sequenceOfA);
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
	}

	@Test
	void connectingFromTheOtherSideReturnsTheOpenConnectionSeenFromThere() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String connectionId = fixtures.connect(a, b);
		long sequenceOfA = latestSequence(a);
		long sequenceOfB = latestSequence(b);

		Api.Response reverse = api.post(connections(b), Map.of("meetingId", a));

		assertThat(reverse.status()).as(reverse.toString()).isEqualTo(200);
		assertThat(reverse.json().path("id").asString()).isEqualTo(connectionId);
		assertThat(reverse.json().path("meetingId").asString()).isEqualTo(b);
		assertThat(reverse.json().path("meeting").path("id").asString()).isEqualTo(a);
		assertThat(latestSequence(a)).isEqualTo(sequenceOfA);
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
		assertThat(api.get(connections(a)).json().path("connections").size()).isEqualTo(1);
		assertThat(api.get(connections(b)).json().path("connections").size()).isEqualTo(1);
	}

	@Test
	void aMeetingCannotConnectToItself() {
		String a = fixtures.activeMeetingWith();

		Api.Response self = api.post(connections(a), Map.of("meetingId", a));

		assertThat(self.status()).as(self.toString()).isEqualTo(400);
		assertThat(self.code()).isEqualTo("self-connection");
		assertThat(events(a)).isEmpty();
	}

	@Test
	void connectingToAnUnknownMeetingIsNotFound() {
		String a = fixtures.activeMeetingWith();

		Api.Response unknown = api.post(connections(a), Map.of("meetingId", unique("nowhere")));

		assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
		assertThat(unknown.code()).isEqualTo("meeting-not-found");
		assertThat(events(a)).isEmpty();
	}

	@Test
	void connectingToAnEndedMeetingIsAConflict() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		end(b);
		long sequenceOfB = latestSequence(b);

		Api.Response refused = api.post(connections(a), Map.of("meetingId", b));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.code()).isEqualTo("meeting-ended");
		assertThat(events(a)).isEmpty();
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
	}

	@Test
	void anEndedMeetingCannotConnect() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		end(a);

		Api.Response refused = api.post(connections(a), Map.of("meetingId", b));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.code()).isEqualTo("meeting-ended");
		assertThat(events(b)).isEmpty();
	}

	@Test
	void aMemberWithoutAllowModMayNotConnect() {
		String alice = fixtures.participant("alice");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith();
		long sequenceOfA = latestSequence(a);

		Api.Response refused = api.as(tokens.participant(alice)).post(connections(a), Map.of("meetingId", b));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("forbidden");
		assertThat(latestSequence(a)).isEqualTo(sequenceOfA);
		assertThat(events(b)).isEmpty();
	}

	@Test
	void aModeratorWhoIsNotAMemberMayNotConnect() {
		String a = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String b = fixtures.activeMeetingWith();
		String stranger = fixtures.participant("stranger");

		Api.Response refused = api.as(tokens.moderator(stranger)).post(connections(a), Map.of("meetingId", b));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("forbidden");
		assertThat(events(a, "connection-open")).isEmpty();
		assertThat(events(b)).isEmpty();
	}

	@Test
	void bothMeetingsListTheConnectionEachWithTheOtherAsItsMeeting() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);
		String connectionId = fixtures.connect(a, b);

		JsonNode listedByA = api.as(tokens.participant(alice)).get(connections(a)).json().path("connections");
		JsonNode listedByB = api.as(tokens.participant(bob)).get(connections(b)).json().path("connections");

		assertThat(listedByA.size()).isEqualTo(1);
		assertThat(listedByA.get(0).path("id").asString()).isEqualTo(connectionId);
		assertThat(listedByA.get(0).path("meetingId").asString()).isEqualTo(a);
		assertThat(listedByA.get(0).path("meeting").path("id").asString()).isEqualTo(b);
		assertThat(ids(listedByA.get(0).path("meeting").path("participants"))).containsExactly(bob);
		assertThat(listedByB.size()).isEqualTo(1);
		assertThat(listedByB.get(0).path("id").asString()).isEqualTo(connectionId);
		assertThat(listedByB.get(0).path("meetingId").asString()).isEqualTo(b);
		assertThat(listedByB.get(0).path("meeting").path("id").asString()).isEqualTo(a);
		assertThat(ids(listedByB.get(0).path("meeting").path("participants"))).containsExactly(alice);
	}

	@Test
	void aMemberOfTheConnectedMeetingMayReadTheConnections() {
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String b = fixtures.activeMeetingWith(bob);
		String connectionId = fixtures.connect(a, b);
		Api asBob = api.as(tokens.participant(bob));

		Api.Response listed = asBob.get(connections(a));
		Api.Response one = asBob.get(connections(a) + "/" + connectionId);

		assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
		assertThat(listed.json().path("connections").get(0).path("id").asString()).isEqualTo(connectionId);
		assertThat(one.status()).as(one.toString()).isEqualTo(200);
		assertThat(one.json().path("meetingId").asString()).isEqualTo(a);
	}

	@Test
	void aStrangerMayNotReadTheConnections() {
		String a = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String b = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connectionId = fixtures.connect(a, b);
		Api asStranger = api.as(tokens.moderator(fixtures.participant("stranger")));

		Api.Response listed = asStranger.get(connections(a));
		Api.Response one = asStranger.get(connections(a) + "/" + connectionId);

		assertThat(listed.status()).as(listed.toString()).isEqualTo(403);
		assertThat(listed.code()).isEqualTo("forbidden");
		assertThat(one.status()).as(one.toString()).isEqualTo(403);
		assertThat(one.code()).isEqualTo("forbidden");
	}

	@Test
	void readingOneConnectionShowsItFromTheMeetingInTheUrl() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);
		JsonNode opened = api.post(connections(a), Map.of("meetingId", b, "payload", "p")).json();
		String connectionId = opened.path("id").asString();

		JsonNode fromA = api.as(tokens.participant(alice)).get(connections(a) + "/" + connectionId).json();
		JsonNode fromB = api.as(tokens.participant(bob)).get(connections(b) + "/" + connectionId).json();

		assertThat(fromA.path("id").asString()).isEqualTo(connectionId);
		assertThat(fromA.path("payload").asString()).isEqualTo("p");
		assertThat(fromA.path("createdAt").asString()).isEqualTo(opened.path("createdAt").asString());
		assertThat(fromA.path("meetingId").asString()).isEqualTo(a);
		assertThat(fromA.path("meeting").path("id").asString()).isEqualTo(b);
		assertThat(ids(fromA.path("meeting").path("participants"))).containsExactly(bob);
		assertThat(fromB.path("id").asString()).isEqualTo(connectionId);
		assertThat(fromB.path("payload").asString()).isEqualTo("p");
		assertThat(fromB.path("createdAt").asString()).isEqualTo(opened.path("createdAt").asString());
		assertThat(fromB.path("meetingId").asString()).isEqualTo(b);
		assertThat(fromB.path("meeting").path("id").asString()).isEqualTo(a);
		assertThat(ids(fromB.path("meeting").path("participants"))).containsExactly(alice);
	}

	@Test
	void closingAConnectionPublishesConnectionCloseOnBothSidesAndRemovesItFromBothLists() {
		String alice = fixtures.participant("alice");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connectionId = fixtures.connect(a, b);

		Api.Response closed = api.as(tokens.moderator(alice)).delete(connections(a) + "/" + connectionId);

		assertThat(closed.status()).as(closed.toString()).isEqualTo(204);
		assertClosedOn(a, connectionId, "closed");
		assertClosedOn(b, connectionId, "closed");
		assertThat(api.get(connections(a)).json().path("connections").size()).isZero();
		assertThat(api.get(connections(b)).json().path("connections").size()).isZero();
		assertThat(api.get("/api/meetings/" + a).json().path("connections").size()).isZero();
		assertThat(api.get("/api/meetings/" + b).json().path("connections").size()).isZero();
	}

	@Test
	void theConnectedMeetingMayCloseTheConnectionToo() {
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String b = fixtures.activeMeetingWith(bob);
		String connectionId = fixtures.connect(a, b);

		Api.Response closed = api.as(tokens.moderator(bob)).delete(connections(b) + "/" + connectionId);

		assertThat(closed.status()).as(closed.toString()).isEqualTo(204);
		assertClosedOn(a, connectionId, "closed");
		assertClosedOn(b, connectionId, "closed");
	}

	@Test
	void aClosedConnectionRefusesEveryActionWithConnectionClosed() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String a = fixtures.activeMeetingWith(alice);
		String b = fixtures.activeMeetingWith(bob);
		String connectionId = fixtures.connect(a, b);
		assertThat(api.delete(connections(a) + "/" + connectionId).status()).isEqualTo(204);
		long sequenceOfA = latestSequence(a);
		long sequenceOfB = latestSequence(b);
		Api asAlice = api.as(tokens.moderator(alice));
		String onA = connections(a) + "/" + connectionId;

		List<Api.Response> refused = List.of(asAlice.get(onA), api.get(connections(b) + "/" + connectionId),
				asAlice.delete(onA), api.as(tokens.moderator(bob)).delete(connections(b) + "/" + connectionId),
				asAlice.post(onA + "/chat-messages", Map.of("message", "still there?")), asAlice.post(onA + "/end"));

		assertThat(refused).allSatisfy((response) -> {
			assertThat(response.status()).as(response.toString()).isEqualTo(409);
			assertThat(response.code()).isEqualTo("connection-closed");
		});
		assertThat(latestSequence(a)).isEqualTo(sequenceOfA);
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
		assertThat(api.get("/api/meetings/" + b).json().path("status").asString()).isEqualTo("active");
	}

	@Test
	void anUnknownConnectionIsNotFound() {
		String alice = fixtures.participant("alice");
		String a = fixtures.activeMeetingWith(alice);
		String unknown = connections(a) + "/c_" + unique("unknown");
		Api asAlice = api.as(tokens.moderator(alice));

		List<Api.Response> refused = List.of(asAlice.get(unknown), asAlice.delete(unknown),
				asAlice.post(unknown + "/chat-messages", Map.of("message", "anyone?")), asAlice.post(unknown + "/end"));

		assertThat(refused).allSatisfy((response) -> {
			assertThat(response.status()).as(response.toString()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("connection-not-found");
		});
	}

	@Test
	void meetingsCanConnectAgainAfterClosingAndGetANewConnection() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String first = fixtures.connect(a, b);
		assertThat(api.delete(connections(a) + "/" + first).status()).isEqualTo(204);

		Api.Response again = api.post(connections(b), Map.of("meetingId", a));

		assertThat(again.status()).as(again.toString()).isEqualTo(201);
		String second = again.json().path("id").asString();
		assertThat(second).isNotBlank().isNotEqualTo(first);
		assertThat(events(a, "connection-open")).extracting((event) -> event.path("connection").path("id").asString())
			.containsExactly(first, second);
		assertThat(events(b, "connection-open")).extracting((event) -> event.path("connection").path("id").asString())
			.containsExactly(first, second);
		assertThat(api.get(connections(a)).json().path("connections").get(0).path("id").asString()).isEqualTo(second);
		assertThat(api.get(connections(a)).json().path("connections").size()).isEqualTo(1);
		assertThat(api.get(connections(b) + "/" + first).code()).isEqualTo("connection-closed");
	}

	private void assertClosedOn(String meetingId, String connectionId, String reason) {
		List<JsonNode> history = events(meetingId);
		JsonNode last = history.get(history.size() - 1);
		assertThat(last.path("type").asString()).isEqualTo("connection-close");
		assertThat(last.path("meetingId").asString()).isEqualTo(meetingId);
		assertThat(last.path("connectionId").asString()).isEqualTo(connectionId);
		assertThat(last.path("reason").asString()).isEqualTo(reason);
		assertThat(events(meetingId, "connection-close")).hasSize(1);
	}

	private void end(String meetingId) {
		Api.Response ended = api.post("/api/meetings/" + meetingId + "/end");
		assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
	}

}
