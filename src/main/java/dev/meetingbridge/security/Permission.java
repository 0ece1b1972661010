package dev.meetingbridge.security;

import java.util.Optional;

/** The {@code permissions} claim values of participant tokens. */
public enum Permission {

	ALLOW_JOIN("allow_join"), ALLOW_MOD("allow_mod");

	private final String claim;

	Permission(String claim) {
		this.claim = claim;
	}

	public String claim() {
		return this.claim;
	}

	static Optional<Permission> fromClaim(String value) {
		for (Permission permission : values()) {
			if (permission.claim.equals(value)) {
				return Optional.of(permission);
			}
		}
		return Optional.empty();
	}

}
