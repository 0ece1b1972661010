package dev.meetingbridge.security;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * Remembers the tokens it has verified, so that a backend using one server token for many calls,
 * or a client reconnecting with the same token, pays for the signature check and the claims
 * parsing once. A remembered token is checked for expiry again on every use, as the full decoder
 * would; tokens that fail verification are never remembered. Bounded: when {@link #CAPACITY} tokens
 * are remembered it starts over (many distinct tokens gain little from it anyway).
 */
final class VerifiedTokens implements JwtDecoder {

	static final int CAPACITY = 10_000;

	private final JwtDecoder decoder;

	private final OAuth2TokenValidator<Jwt> stillValid;

	private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

	VerifiedTokens(JwtDecoder decoder, Clock clock) {
		this.decoder = decoder;
		JwtTimestampValidator timestamps = new JwtTimestampValidator();
		timestamps.setClock(clock);
		this.stillValid = timestamps;
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Jwt remembered = this.verified.get(token);
		if (remembered != null) {
			OAuth2TokenValidatorResult result = this.stillValid.validate(remembered);
			if (!result.hasErrors()) {
				return remembered;
			}
			// Expired since: the full decoder refuses it with the usual error.
			this.verified.remove(token);
		}
		Jwt jwt = this.decoder.decode(token);
		if (this.verified.size() >= CAPACITY) {
			this.verified.clear();
		}
		this.verified.put(token, jwt);
		return jwt;
	}

}
