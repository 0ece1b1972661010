package dev.meetingbridge.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.meetingbridge.security.Permission;
import dev.meetingbridge.security.TokenMinter;

/** Tokens for tests, signed with the test secret. */
public final class Tokens {

	private static final Duration HOUR = Duration.ofHours(1);

	private final TokenMinter minter;

	public Tokens(TokenMinter minter) {
		this.minter = minter;
	}

	public String server() {
		return this.minter.serverToken(HOUR);
	}

	/** A participant who may join and chat. */
	public String participant(String participantId) {
		return this.minter.participantToken(participantId, EnumSet.of(Permission.ALLOW_JOIN), null, HOUR);
	}

	/** A participant who may also create and end meetings, remove others and manage connections. */
	public String moderator(String participantId) {
		return this.minter.participantToken(participantId, EnumSet.of(Permission.ALLOW_JOIN, Permission.ALLOW_MOD),
				null, HOUR);
	}

	public String withPermissions(String participantId, Set<Permission> permissions, String roomId) {
		return this.minter.participantToken(participantId, permissions, roomId, HOUR);
	}

	/** A participant token that expired five minutes ago, signed as an application backend would sign it. */
	public String expired(String participantId) {
		// TokenMinter cannot mint it: Spring's JwtClaimsSet refuses an expiry before the issue time.
		Instant issued = Instant.now().minus(HOUR);
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(participantId)
			.claim("permissions", List.of(Permission.ALLOW_JOIN.claim()))
			.issueTime(Date.from(issued))
			.expirationTime(Date.from(issued.plus(HOUR).minus(Duration.ofMinutes(5))))
			.build();
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
			jwt.sign(new MACSigner(IntegrationTest.SECRET.getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
