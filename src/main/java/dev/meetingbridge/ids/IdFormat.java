package dev.meetingbridge.ids;

import java.security.SecureRandom;

import dev.meetingbridge.problem.BridgeException;
import org.jspecify.annotations.Nullable;

/**
 * The one id format of the contract (docs/api.md 'REST API'): 1 to 64 letters, digits,
 * '_' or '-', starting with a letter or digit. Meeting, participant, connection and room
 * ids all follow it.
 */
public final class IdFormat {

	/**
	 * The format as a regular expression without anchors, for patterns that embed ids
	 * (STOMP destinations).
	 */
	public static final String REGEX = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyz".toCharArray();

	private static final char[] ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

	private IdFormat() {
	}

	public static boolean isValid(@Nullable String value) {
		if (value == null || value.isEmpty() || value.length() > 64 || !alphanumeric(value.charAt(0))) {
			return false;
		}
		// The same rule as REGEX, without a matcher: ids are checked on every request.
		for (int i = 1; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!alphanumeric(c) && c != '_' && c != '-') {
				return false;
			}
		}
		return true;
	}

	private static boolean alphanumeric(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}

	/** The id, or a {@code validation-failed} problem naming the field. */
	public static String require(String field, @Nullable String value) {
		if (value == null || value.isEmpty()) {
			throw missing(field);
		}
		if (!isValid(value)) {
			throw BridgeException.invalid(field,
					"must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
		}
		return value;
	}

	/** The typed id, or the {@code validation-failed} problem of a missing one. */
	public static <T> T present(String field, @Nullable T id) {
		if (id == null) {
			throw missing(field);
		}
		return id;
	}

	private static BridgeException missing(String field) {
		return BridgeException.invalid(field, "must not be empty");
	}

	/**
	 * An opaque generated id: the prefix and 20 lower-case letters and digits
	 * ({@code c_…}, {@code m_…}).
	 */
	public static String opaque(String prefix) {
		return prefix + random(ALPHANUMERIC, 20);
	}

	/** Three groups of four lower-case letters: {@code abcd-efgh-ijkl}. */
	static String readable() {
		return random(LETTERS, 4) + "-" + random(LETTERS, 4) + "-" + random(LETTERS, 4);
	}

	private static String random(char[] alphabet, int length) {
		// One draw from the secure generator per id, not one per character.
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = alphabet[Math.floorMod(bytes[i], alphabet.length)];
		}
		return new String(chars);
	}

}
