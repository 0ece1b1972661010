package dev.meetingbridge.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

/**
 * Mints tokens signed with this instance's secret, for the development notice and for
 * tests.
 */
@Component
public class TokenMinter {

	private final JwtEncoder encoder;

	private final Clock clock;

	TokenMinter(JwtEncoder encoder, Clock clock) {
		this.encoder = encoder;
		this.clock = clock;
	}

	public String serverToken(Duration validFor) {
		Instant now = this.clock.instant();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject("server")
			.claim("roles", List.of("server"))
			.issuedAt(now)
			.expiresAt(now.plus(validFor))
			.build();
		return encode(claims);
	}

	public String participantToken(String participantId, Set<Permission> permissions, @Nullable String roomId,
			Duration validFor) {
		Instant now = this.clock.instant();
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.subject(participantId)
			.claim("permissions", permissions.stream().map(Permission::claim).sorted().toList())
			.issuedAt(now)
			.expiresAt(now.plus(validFor));
		if (roomId != null) {
			claims.claim("roomId", roomId);
		}
		return encode(claims.build());
	}

	private String encode(JwtClaimsSet claims) {
		return this.encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

}
