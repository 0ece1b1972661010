package dev.meetingbridge.web;

import dev.meetingbridge.problem.BridgeException;
import org.jspecify.annotations.Nullable;

/**
 * Query parameters, parsed so that a bad one is a {@code validation-failed} naming it.
 */
final class Params {

	private Params() {
	}

	static int integer(String name, @Nullable String value, int fallback) {
		long parsed = integer(name, value, (long) fallback);
		if (parsed > Integer.MAX_VALUE || parsed < Integer.MIN_VALUE) {
			throw BridgeException.invalid(name, "is out of range");
		}
		return (int) parsed;
	}

	static long integer(String name, @Nullable String value, long fallback) {
		if (value == null || value.isEmpty()) {
			return fallback;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw BridgeException.invalid(name, "must be a whole number");
		}
	}

}
