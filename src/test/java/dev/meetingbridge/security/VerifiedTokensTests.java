package dev.meetingbridge.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A token is verified once and then remembered, but never past its expiry, and a bad one
 * never.
 */
class VerifiedTokensTests {

	private static final SecretKey KEY = new SecretKeySpec(
			"verified-tokens-test-secret-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256");

	private final AtomicInteger verifications = new AtomicInteger();

	private final JwtDecoder nimbus = NimbusJwtDecoder.withSecretKey(KEY).macAlgorithm(MacAlgorithm.HS256).build();

	private final JwtDecoder counting = (token) -> {
		this.verifications.incrementAndGet();
		return this.nimbus.decode(token);
	};

	@Test
	void aTokenIsVerifiedOnceForManyUses() {
		VerifiedTokens tokens = new VerifiedTokens(this.counting, Clock.systemUTC());
		String token = token(KEY, Instant.now().plus(Duration.ofHours(1)));
		Jwt first = tokens.decode(token);
		for (int i = 0; i < 5; i++) {
			assertThat(tokens.decode(token)).isSameAs(first);
		}
		assertThat(this.verifications).hasValue(1);
	}

	@Test
	void aRememberedTokenGoesBackToTheFullDecoderOnceItHasExpired() {
		Instant now = Instant.now();
		MutableClock clock = new MutableClock(now);
		VerifiedTokens tokens = new VerifiedTokens(this.counting, clock);
		String token = token(KEY, now.plus(Duration.ofMinutes(5)));
		tokens.decode(token);
		tokens.decode(token);
		assertThat(this.verifications).hasValue(1);

		// Past its expiry and 60 s of clock skew: no longer served from memory.
		clock.now = now.plus(Duration.ofMinutes(7));
		tokens.decode(token);
		assertThat(this.verifications).hasValue(2);
	}

	@Test
	void anExpiredTokenIsRefused() {
		VerifiedTokens tokens = new VerifiedTokens(this.counting, Clock.systemUTC());
		assertThatExceptionOfType(JwtException.class)
			.isThrownBy(() -> tokens.decode(token(KEY, Instant.now().minus(Duration.ofMinutes(5)))));
	}

	@Test
	void aTokenThatFailsVerificationIsNeverRemembered() {
		VerifiedTokens tokens = new VerifiedTokens(this.counting, Clock.systemUTC());
		SecretKey other = new SecretKeySpec("another-secret-entirely-0123456789ab".getBytes(StandardCharsets.UTF_8),
				"HmacSHA256");
		String forged = token(other, Instant.now().plus(Duration.ofHours(1)));
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> tokens.decode(forged));
		}
		assertThat(this.verifications).hasValue(3);
	}

	@Test
	void aTokenIsForgottenAtItsExpiry() {
		Instant now = Instant.now();
		MutableClock clock = new MutableClock(now);
		VerifiedTokens tokens = new VerifiedTokens(this.counting, clock);
		tokens.decode(token(KEY, now.plus(Duration.ofMinutes(5))));
		tokens.decode(token(KEY, now.plus(Duration.ofMinutes(30))));
		assertThat(tokens.size()).isEqualTo(2);

		clock.now = now.plus(Duration.ofMinutes(6));
		assertThat(tokens.size()).isEqualTo(1);
		clock.now = now.plus(Duration.ofMinutes(31));
		assertThat(tokens.size()).isZero();
	}

	@Test
	void atMostTheMaximumNumberOfTokensIsRemembered() {
		VerifiedTokens tokens = new VerifiedTokens(this.counting, Clock.systemUTC(), 10);
		Instant expiry = Instant.now().plus(Duration.ofHours(1));
		for (int i = 0; i < 50; i++) {
			tokens.decode(token(KEY, expiry.plusSeconds(i)));
		}
		assertThat(tokens.size()).isLessThanOrEqualTo(10);
		// A token that was just used is still remembered: the cache did not start over.
		String recent = token(KEY, expiry.plusSeconds(60));
		tokens.decode(recent);
		int before = this.verifications.get();
		tokens.decode(recent);
		assertThat(this.verifications).hasValue(before);
	}

	private static String token(SecretKey key, Instant expiresAt) {
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject("alice")
			.issuedAt(expiresAt.minus(Duration.ofHours(2)))
			.expiresAt(expiresAt)
			.build();
		return new NimbusJwtEncoder(new ImmutableSecret<>(key))
			.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

	private static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
