package dev.meetingbridge.ids;

import java.security.SecureRandom;
import java.util.regex.Pattern;

import dev.meetingbridge.problem.BridgeException;
import org.jspecify.annotations.Nullable;

/**
 * The one id format of the contract (README 'REST API'): 1 to 64 letters, digits, '_' or
 * '-', starting with a letter or digit. Meeting, participant, connection and room ids all
 * follow it.
 */
public final class IdFormat {

	/**
	 * The format as a regular expression without anchors, for patterns that embed ids
	 * (STOMP destinations).
	 */
	public static final String REGEX = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";

	private static final Pattern ID = Pattern.compile(REGEX);

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyz".toCharArray();

	private static final char[] ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

	private IdFormat() {
	}

	public static boolean isValid(@Nullable String value) {
		return value != null && ID.matcher(value).matches();
	}

	/** The id, or a {@code validation-failed} problem naming the field. */
	public static String require(String field, @Nullable String value) {
		if (value == null || value.isEmpty()) {
			throw missing(field);
		}
		if (!ID.matcher(value).matches()) {
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
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = alphabet[RANDOM.nextInt(alphabet.length)];
		}
		return new String(chars);
	}

}
