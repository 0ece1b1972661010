package dev.meetingbridge.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import static dev.meetingbridge.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests without a valid bearer token (docs/api.md 'Tokens and permissions'): 401
 * {@code unauthenticated}, with {@code WWW-Authenticate} telling a missing token from a
 * refused one, and nothing created.
 */
class TokenRefusalTests extends IntegrationTest {

	@Test
	void requestsWithoutAValidTokenAreUnauthenticated() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("alice"));
		Map<String, String> badTokens = Map.of("malformed", "not-a-jwt", "other secret",
				signed("another-secret-0123456789-abcdefghij-xyz", JWSAlgorithm.HS256, serverClaims().build()),
				"expired", tokens.expired(fixtures.participant("late")), "unsigned",
				new PlainJWT(serverClaims().build()).serialize(), "without exp",
				signed(SECRET, JWSAlgorithm.HS256, serverClaims().expirationTime(null).build()), "HS512",
				signed(SECRET + SECRET, JWSAlgorithm.HS512, serverClaims().build()), "invalid sub",
				signed(SECRET, JWSAlgorithm.HS256,
						new JWTClaimsSet.Builder().subject("-not an id-")
							.claim("permissions", List.of("allow_join", "allow_mod"))
							.expirationTime(Date.from(Instant.now().plusSeconds(600)))
							.build()));
		String created = unique("never");
		badTokens.forEach((name, token) -> {
			Api anonymous = api.as(token);
			assertUnauthenticated(anonymous.get("/api/meetings/" + meeting), name);
			assertUnauthenticated(anonymous.post("/api/meetings", Map.of("meetingId", created)), name);
		});
		assertUnauthenticated(api.as(null).get("/api/meetings/" + meeting), "missing");
		assertUnauthenticated(api.as(null).get("/api/nothing-here"), "missing, unknown path");
		assertUnauthenticated(api.as(null).with("Authorization", "Basic YTpi").get("/api/meetings/" + meeting),
				"basic");
		assertProblem(api.get("/api/meetings/" + created), 404, "meeting-not-found");
	}

	private static void assertUnauthenticated(Api.Response response, String token) {
		assertThat(response.status()).as(token + ": " + response).isEqualTo(401);
		assertProblem(response, 401, "unauthenticated");
		if (token.startsWith("missing") || token.equals("basic")) {
			assertThat(response.header("WWW-Authenticate")).as(token).isEqualTo("Bearer");
		}
		else {
			// RFC 6750: a token was sent and refused; the client needs a new one.
			assertThat(response.header("WWW-Authenticate")).as(token).startsWith("Bearer error=\"invalid_token\"");
		}
	}

	private static JWTClaimsSet.Builder serverClaims() {
		return new JWTClaimsSet.Builder().subject("server")
			.claim("roles", List.of("server"))
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plusSeconds(600)));
	}

	private static String signed(String secret, JWSAlgorithm algorithm, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
