package dev.meetingbridge.support;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

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

	public String expired(String participantId) {
		return this.minter.participantToken(participantId, EnumSet.of(Permission.ALLOW_JOIN), null,
				Duration.ofMinutes(-5));
	}

}
