package dev.meetingbridge.web;

import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import static dev.meetingbridge.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** A server token mints participant tokens for trying things out; nobody else may. */
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
