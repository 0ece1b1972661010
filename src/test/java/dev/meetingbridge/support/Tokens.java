package dev.meetingbridge.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import dev.meetingbridge.security.Permission;
import dev.meetingbridge.security.TokenMinter;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** Tokens for tests, signed with the test secret. */
public final class Tokens {

	private static final Duration HOUR = Duration.ofHours(1);

	private final TokenMinter minter;

	private final JwtEncoder encoder;

	public Tokens(TokenMinter minter, JwtEncoder encoder) {
		this.minter = minter;
		this.encoder = encoder;
	}

	public String server() {
		return this.minter.serverToken(HOUR);
	}

	/**
	 * A server token signed with the secret, for a bridge this JVM runs no context of (a
	 * child process).
	 */
	public static String serverWithSecret(String secret) {
		JwtEncoder encoder = new NimbusJwtEncoder(
				new ImmutableSecret<>(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
		Instant now = Instant.now();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject("server")
			.claim("roles", List.of("server"))
			.issuedAt(now)
			.expiresAt(now.plus(HOUR))
			.build();
		return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

	/** A participant who may join and chat. */
	public String participant(String participantId) {
		return this.minter.participantToken(participantId, EnumSet.of(Permission.ALLOW_JOIN), null, HOUR);
	}

	/**
	 * A participant who may also create and end meetings, remove others and manage
	 * connections.
	 */
	public String moderator(String participantId) {
		return this.minter.participantToken(participantId, EnumSet.of(Permission.ALLOW_JOIN, Permission.ALLOW_MOD),
				null, HOUR);
	}

	public String withPermissions(String participantId, Set<Permission> permissions, String roomId) {
		return this.minter.participantToken(participantId, permissions, roomId, HOUR);
	}

	/** A well-formed participant token whose signature belongs to other claims. */
	public String badlySigned(String participantId) {
		String genuine = participant(participantId);
		String other = participant(participantId + "-other");
		return genuine.substring(0, genuine.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
	}

	/**
	 * A participant token that expired five minutes ago, well beyond the validators'
	 * clock skew.
	 */
	public String expired(String participantId) {
		Instant now = Instant.now();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(participantId)
			.claim("permissions", List.of(Permission.ALLOW_JOIN.claim()))
			.issuedAt(now.minus(Duration.ofMinutes(65)))
			.expiresAt(now.minus(Duration.ofMinutes(5)))
			.build();
		return this.encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

}
