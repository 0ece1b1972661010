package dev.meetingbridge.security;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Who a request acts as: a trusted backend ({@code roles: ["server"]}) or one participant
 * with its permissions, optionally limited to one meeting ({@code roomId}).
 */
public record BridgePrincipal(@Nullable String participantId, boolean server, Set<Permission> permissions,
		@Nullable String roomId) {

	public BridgePrincipal {
		permissions = Set.copyOf(permissions);
	}

	public static BridgePrincipal server(@Nullable String subject) {
		return new BridgePrincipal(subject, true, Set.of(Permission.ALLOW_JOIN, Permission.ALLOW_MOD), null);
	}

	public static BridgePrincipal participant(String participantId, Set<Permission> permissions,
			@Nullable String roomId) {
		return new BridgePrincipal(participantId, false, permissions, roomId);
	}

	/** Moderators may do everything a joining participant may. */
	public boolean mayJoin() {
		return this.permissions.contains(Permission.ALLOW_JOIN) || mayModerate();
	}

	public boolean mayModerate() {
		return this.permissions.contains(Permission.ALLOW_MOD);
	}

	/** Whether a {@code roomId} claim, if any, lets this token act on the meeting. */
	public boolean roomAllows(String meetingId) {
		return this.roomId == null || this.roomId.equals(meetingId);
	}

	/** The participant id, or {@code server} for a server token without one. */
	public String getName() {
		return this.participantId != null ? this.participantId : "server";
	}

	/**
	 * Who the token acts as, as the scope of its {@code Idempotency-Key}s: a participant,
	 * or a server token (by its {@code sub}).
	 */
	public String subject() {
		return (this.server ? "server:" : "participant:") + getName();
	}

	@Override
	public String toString() {
		return (this.server ? "server " : "participant ") + getName();
	}

}
