package dev.meetingbridge.chat;

import dev.meetingbridge.problem.BridgeException;
import org.jspecify.annotations.Nullable;

/**
 * A chat message's text: 1 to {@code bridge.chat.max-length} characters after trimming.
 */
record ChatText(String value) {

	static ChatText of(@Nullable String raw, int maxLength) {
		if (raw == null) {
			throw BridgeException.invalid("message", "is required");
		}
		String trimmed = raw.strip();
		if (trimmed.isEmpty()) {
			throw BridgeException.invalid("message", "must not be blank");
		}
		if (trimmed.codePointCount(0, trimmed.length()) > maxLength) {
			throw BridgeException.invalid("message", "must be at most " + maxLength + " characters");
		}
		return new ChatText(trimmed);
	}

}
