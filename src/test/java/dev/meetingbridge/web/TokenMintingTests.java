package dev.meetingbridge.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import static dev.meetingbridge.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server token mints participant tokens for trying things out; nobody else may. A mint
 * without an {@code Idempotency-Key} touches no Redis.
 */
class TokenMintingTests extends IntegrationTest {

	@Test
	void aServerTokenMintsAParticipantTokenThatActsAsThatParticipant() {
		String meeting = fixtures.activeMeetingWith();
		String carol = fixtures.participant("carol");
		Api.Response minted = api.post("/api/tokens",
				Map.of("participantId", carol, "permissions", List.of("allow_join"), "ttlSeconds", 600));
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		assertThat(minted.json().path("expiresAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

		Api asCarol = api.as(minted.json().path("token").asString());
		Api.Response joined = asCarol.post("/api/meetings/" + meeting + "/participants",
				Map.of("displayName", "Carol"));
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		assertThat(joined.json().path("id").asString()).isEqualTo(carol);
		// allow_join only: no moderation.
		assertProblem(asCarol.post("/api/meetings/" + meeting + "/end"), 403, "forbidden");
	}

	@Test
	void aKeyedMintIsAnsweredOnceAndRepeatedWhileUnkeyedMintsAreEachNew() {
		String erin = fixtures.participant("erin");
		Map<String, Object> body = Map.of("participantId", erin, "ttlSeconds", 600);
		// Without a key nothing reaches Redis: every request mints a token of its own.
		Api.Response first = api.post("/api/tokens", body);
		Api.Response second = api.post("/api/tokens", body);
		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(second.status()).as(second.toString()).isEqualTo(201);
		assertThat(first.header(ReplayedAnswers.HEADER)).isNull();
		assertThat(second.header(ReplayedAnswers.HEADER)).isNull();

		// With a key, the repeat is the first answer, replayed from Redis.
		Api keyed = api.with(Idempotency.HEADER, UUID.randomUUID().toString());
		Api.Response original = keyed.post("/api/tokens", body);
		Api.Response repeat = keyed.post("/api/tokens", body);
		assertThat(original.status()).as(original.toString()).isEqualTo(201);
		assertThat(repeat.status()).as(repeat.toString()).isEqualTo(201);
		assertThat(repeat.text()).isEqualTo(original.text());
		assertThat(repeat.header(ReplayedAnswers.HEADER)).isEqualTo("true");
		assertProblem(keyed.post("/api/tokens", Map.of("participantId", erin)), 422, "idempotency-key-reused");
	}

	@Test
	void participantsMayNotMintAndBadRequestsAreRefused() {
		String dave = fixtures.participant("dave");
		assertProblem(api.as(tokens.moderator(dave)).post("/api/tokens", Map.of("participantId", dave)), 403,
				"forbidden");
		assertProblem(api.post("/api/tokens", Map.of("participantId", "not valid!")), 400, "validation-failed");
		assertProblem(api.post("/api/tokens", Map.of("participantId", dave, "permissions", List.of("root"))), 400,
				"validation-failed");
		assertProblem(api.post("/api/tokens", Map.of("participantId", dave, "ttlSeconds", 999_999)), 400,
				"validation-failed");
		assertThat(new Api(baseUrl(), null).post("/api/tokens", Map.of("participantId", dave)).status()).isEqualTo(401);
	}

}
