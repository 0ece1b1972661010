package dev.meetingbridge.chat;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.security.Permission;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.meetingbridge.support.Problems.assertProblem;
import static dev.meetingbridge.support.Problems.assertValidationFailed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chat over a connection: from a member of one meeting to the other meeting only
 * (docs/api.md 'Tokens and permissions', 'REST API', 'Events').
 */
class ChatApiTests extends IntegrationTest {

	private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

	@Autowired
	private BridgeProperties properties;

	private String alice;

	private String bob;

	private String a;

	private String b;

	private String connectionId;

	/** Alice in A, Bob in B, A connected to B. */
	@BeforeEach
	void connectedMeetings() {
		this.alice = fixtures.participant("alice");
		this.bob = fixtures.participant("bob");
		this.a = fixtures.activeMeetingWith(this.alice);
		this.b = fixtures.activeMeetingWith(this.bob);
		this.connectionId = fixtures.connect(this.a, this.b);
	}

	@Test
	void aMemberSendsAChatMessageOverAConnection() {
		Api.Response sent = asAlice().post(chatFrom(a), Map.of("message", "Hi there, from MARS!"));

		assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
		JsonNode message = sent.json();
		assertThat(message.path("id").asString()).isNotBlank();
		assertThat(message.path("connectionId").asString()).isEqualTo(connectionId);
		assertThat(message.path("fromMeetingId").asString()).isEqualTo(a);
		assertThat(message.path("toMeetingId").asString()).isEqualTo(b);
		assertThat(message.path("sender").path("id").asString()).isEqualTo(alice);
		assertThat(message.path("sender").path("displayName").asString()).isEqualTo(alice);
		assertThat(message.path("message").asString()).isEqualTo("Hi there, from MARS!");
		assertThat(message.path("timestamp").asString()).matches(TIMESTAMP);
	}

	@Test
	void theChatMessageIsPublishedOnceOnTheReceivingMeetingOnly() {
		long sequenceOfA = latestSequence(a);
		long sequenceOfB = latestSequence(b);

		JsonNode sent = asAlice().post(chatFrom(a), Map.of("message", "hello B")).json();

		List<JsonNode> received = events(b, "chat-message");
		assertThat(received).hasSize(1);
		JsonNode event = received.get(0);
		assertThat(event.path("meetingId").asString()).isEqualTo(b);
		assertThat(event.path("sequence").asLong()).isEqualTo(sequenceOfB + 1);
		assertThat(event.path("message")).isEqualTo(sent);
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB + 1);
		assertThat(events(a, "chat-message")).isEmpty();
		assertThat(latestSequence(a)).isEqualTo(sequenceOfA);
	}

	@Test
	void theMessageIsTrimmed() {
		Api.Response sent = asAlice().post(chatFrom(a), Map.of("message", "  \t hello  \n"));

		assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
		assertThat(sent.json().path("message").asString()).isEqualTo("hello");
		assertThat(events(b, "chat-message").get(0).path("message").path("message").asString()).isEqualTo("hello");
	}

	@Test
	void aBlankOrMissingMessageIsRefused() {
		long sequenceOfB = latestSequence(b);

		List<Api.Response> refused = List.of(asAlice().post(chatFrom(a), Map.of("message", "   ")),
				asAlice().post(chatFrom(a), Map.of("message", "")), asAlice().post(chatFrom(a), Map.of()));

		assertThat(refused).allSatisfy((response) -> assertValidationFailed(response, "message"));
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
	}

	@Test
	void aMessageLongerThanTheConfiguredMaximumIsRefused() {
		int maxLength = properties.chat().maxLength();
		long sequenceOfB = latestSequence(b);

		Api.Response tooLong = asAlice().post(chatFrom(a), Map.of("message", "x".repeat(maxLength + 1)));

		assertValidationFailed(tooLong, "message");
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
		Api.Response longest = asAlice().post(chatFrom(a), Map.of("message", " " + "x".repeat(maxLength) + " "));
		assertThat(longest.status()).as(longest.toString()).isEqualTo(201);
		assertThat(longest.json().path("message").asString()).hasSize(maxLength);
	}

	@Test
	void aParticipantTokenCannotSendAsSomebodyElse() {
		String carol = fixtures.participant("carol");
		fixtures.join(a, carol);
		long sequenceOfB = latestSequence(b);

		Api.Response refused = asAlice().post(chatFrom(a), Map.of("message", "it's carol, honest", "senderId", carol));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("forbidden");
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
		Api.Response asItself = asAlice().post(chatFrom(a), Map.of("message", "it's me", "senderId", alice));
		assertThat(asItself.status()).as(asItself.toString()).isEqualTo(201);
	}

	@Test
	void aServerTokenSendsAsTheMemberItNames() {
		Api.Response sent = api.post(chatFrom(a), Map.of("message", "relayed", "senderId", alice));

		assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
		assertThat(sent.json().path("sender").path("id").asString()).isEqualTo(alice);
		assertThat(sent.json().path("sender").path("displayName").asString()).isEqualTo(alice);
		assertThat(events(b, "chat-message")).hasSize(1);
	}

	@Test
	void aServerTokenMustNameASenderWhoIsAMember() {
		long sequenceOfB = latestSequence(b);

		Api.Response nobody = api.post(chatFrom(a), Map.of("message", "from nobody"));
		Api.Response stranger = api.post(chatFrom(a),
				Map.of("message", "from a stranger", "senderId", fixtures.participant("stranger")));
		Api.Response otherSide = api.post(chatFrom(a), Map.of("message", "from B via A", "senderId", bob));

		assertValidationFailed(nobody, "senderId");
		assertProblem(stranger, 403, "forbidden");
		assertProblem(otherSide, 403, "forbidden");
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
	}

	@Test
	void aNonMemberCannotChatOverTheMeetingsConnection() {
		long sequenceOfB = latestSequence(b);
		Map<String, String> body = Map.of("message", "let me in");

		Api.Response stranger = api.as(tokens.moderator(fixtures.participant("stranger"))).post(chatFrom(a), body);
		Api.Response memberOfB = api.as(tokens.participant(bob)).post(chatFrom(a), body);

		assertThat(List.of(stranger, memberOfB)).allSatisfy((response) -> {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("forbidden");
		});
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
		assertThat(events(a, "chat-message")).isEmpty();
	}

	@Test
	void aMemberOfTheConnectedMeetingChatsBackOverTheSameConnection() {
		long sequenceOfB = latestSequence(b);

		Api.Response reply = api.as(tokens.participant(bob)).post(chatFrom(b), Map.of("message", "hello A"));

		assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
		assertThat(reply.json().path("connectionId").asString()).isEqualTo(connectionId);
		assertThat(reply.json().path("fromMeetingId").asString()).isEqualTo(b);
		assertThat(reply.json().path("toMeetingId").asString()).isEqualTo(a);
		assertThat(reply.json().path("sender").path("id").asString()).isEqualTo(bob);
		List<JsonNode> received = events(a, "chat-message");
		assertThat(received).hasSize(1);
		assertThat(received.get(0).path("meetingId").asString()).isEqualTo(a);
		assertThat(received.get(0).path("message")).isEqualTo(reply.json());
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
	}

	@Test
	void chatOverAClosedConnectionIsAConflict() {
		assertThat(api.delete("/api/meetings/" + a + "/connections/" + connectionId).status()).isEqualTo(204);
		long sequenceOfB = latestSequence(b);

		Api.Response refused = asAlice().post(chatFrom(a), Map.of("message", "anyone?"));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.code()).isEqualTo("connection-closed");
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
	}

	@Test
	void chatToAnEndedMeetingIsAConflict() {
		assertThat(api.post("/api/meetings/" + b + "/end").status()).isEqualTo(200);
		long sequenceOfB = latestSequence(b);

		Api.Response refused = asAlice().post(chatFrom(a), Map.of("message", "anyone?"));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.code()).isEqualTo("meeting-ended");
		assertThat(latestSequence(b)).isEqualTo(sequenceOfB);
	}

	/**
	 * Each check of a chat message refuses in the contract's order, whatever else is
	 * wrong: the sending meeting, the token, the sender's membership, then the
	 * connection.
	 */
	@Test
	void refusalsComeInTheirOrder() {
		String nowhere = unique("nowhere");
		String ghostConnection = "/api/meetings/" + a + "/connections/c_ghost/chat-messages";
		Map<String, String> body = Map.of("message", "hello");
		assertProblem(
				asAlice().post("/api/meetings/" + nowhere + "/connections/" + connectionId + "/chat-messages", body),
				404, "meeting-not-found");
		// a member without allow_join, on a connection A does not have
		assertProblem(api.as(tokens.withPermissions(alice, EnumSet.noneOf(Permission.class), null))
			.post(ghostConnection, body), 403, "forbidden");
		assertProblem(api.as(tokens.participant(fixtures.participant("mallory"))).post(ghostConnection, body), 403,
				"forbidden");
		assertProblem(asAlice().post(ghostConnection, body), 404, "connection-not-found");
		assertProblem(api.post(ghostConnection, Map.of("message", "hello", "senderId", alice)), 404,
				"connection-not-found");
		assertProblem(api.post(chatFrom(a), Map.of("message", "hello", "senderId", "nobody")), 403, "forbidden");
		api.post("/api/meetings/" + a + "/end");
		assertProblem(asAlice().post(ghostConnection, body), 409, "meeting-ended");
	}

	private Api asAlice() {
		return api.as(tokens.participant(alice));
	}

	private String chatFrom(String meetingId) {
		return "/api/meetings/" + meetingId + "/connections/" + connectionId + "/chat-messages";
	}

	/**
	 * Events of one type in the meeting's history, which is checked to be numbered 1, 2,
	 * 3...
	 */

}
