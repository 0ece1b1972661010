package dev.meetingbridge.store;

import java.security.SecureRandom;

/** Generated identifiers: meeting ids like {@code abcd-efgh-ijkl}, opaque connection and message ids. */
public final class Ids {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyz".toCharArray();

	private static final char[] ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

	private Ids() {
	}

	public static String meetingId() {
		StringBuilder id = new StringBuilder(14);
		for (int group = 0; group < 3; group++) {
			if (group > 0) {
				id.append('-');
			}
			id.append(random(LETTERS, 4));
		}
		return id.toString();
	}

	public static String connectionId() {
		return "c_" + random(ALPHANUMERIC, 20);
	}

	public static String messageId() {
		return "m_" + random(ALPHANUMERIC, 20);
	}

	private static String random(char[] alphabet, int length) {
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = alphabet[RANDOM.nextInt(alphabet.length)];
		}
		return new String(chars);
	}

}
