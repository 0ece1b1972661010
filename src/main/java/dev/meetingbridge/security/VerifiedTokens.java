package dev.meetingbridge.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * Remembers the tokens it has verified, so that a backend using one server token for many
 * calls, or a client reconnecting with the same token, pays for the signature check and
 * the claims parsing once. Each token is forgotten at its {@code exp}, and checked for
 * expiry again on every use, as the full decoder would; tokens that fail verification are
 * never remembered. Bounded: at {@link #MAXIMUM_SIZE} tokens the least used ones go.
 */
final class VerifiedTokens implements JwtDecoder {

	static final int MAXIMUM_SIZE = 10_000;

	private final JwtDecoder decoder;

	private final OAuth2TokenValidator<Jwt> stillValid;

	private final Cache<String, Jwt> verified;

	VerifiedTokens(JwtDecoder decoder, Clock clock) {
		this(decoder, clock, MAXIMUM_SIZE);
	}

	VerifiedTokens(JwtDecoder decoder, Clock clock, long maximumSize) {
		this.decoder = decoder;
		JwtTimestampValidator timestamps = new JwtTimestampValidator();
		timestamps.setClock(clock);
		this.stillValid = timestamps;
		this.verified = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfter(new UntilExpiry(clock))
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.build();
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Jwt remembered = this.verified.getIfPresent(token);
		if (remembered != null) {
			if (!this.stillValid.validate(remembered).hasErrors()) {
				return remembered;
			}
			// Expired since: the full decoder refuses it with the usual error.
			this.verified.invalidate(token);
		}
		Jwt jwt = this.decoder.decode(token);
		this.verified.put(token, jwt);
		return jwt;
	}

	/** How many tokens are remembered, after evicting the expired and the surplus. */
	long size() {
		this.verified.cleanUp();
		return this.verified.estimatedSize();
	}

	/** A token is remembered until its {@code exp}; one without is not remembered. */
	private record UntilExpiry(Clock clock) implements Expiry<String, Jwt> {

		@Override
		public long expireAfterCreate(String token, Jwt jwt, long currentTime) {
			Instant expiresAt = jwt.getExpiresAt();
			if (expiresAt == null) {
				return 0;
			}
			return Math.max(0, Duration.between(this.clock.instant(), expiresAt).toNanos());
		}

		@Override
		public long expireAfterUpdate(String token, Jwt jwt, long currentTime, long currentDuration) {
			return expireAfterCreate(token, jwt, currentTime);
		}

		@Override
		public long expireAfterRead(String token, Jwt jwt, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
