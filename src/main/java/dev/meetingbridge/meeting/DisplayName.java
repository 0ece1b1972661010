package dev.meetingbridge.meeting;

import dev.meetingbridge.problem.BridgeException;
import org.jspecify.annotations.Nullable;

/**
 * A participant's display name: 1 to 100 characters after trimming, no control
 * characters.
 */
public record DisplayName(String value) {

	public static DisplayName of(@Nullable String raw) {
		if (raw == null) {
			throw BridgeException.invalid("displayName", "is required");
		}
		String trimmed = raw.strip();
		int length = trimmed.codePointCount(0, trimmed.length());
		if (length < 1 || length > 100) {
			throw BridgeException.invalid("displayName", "must be 1 to 100 characters after trimming");
		}
		if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
			throw BridgeException.invalid("displayName", "must not contain control characters");
		}
		return new DisplayName(trimmed);
	}

}
