package dev.meetingbridge.security;

import java.util.Map;

/**
 * Why a principal may see a meeting: it is a server, a member of the meeting, or a member
 * of the meetings at the other end of some of its open connections ({@code via}:
 * connection id to that meeting's id). Subscriptions keep these so that they can lose
 * them live.
 */
public record ReadGrounds(boolean server, boolean member, Map<String, String> via) {

	public ReadGrounds {
		via = Map.copyOf(via);
	}

	public boolean any() {
		return this.server || this.member || !this.via.isEmpty();
	}

}
