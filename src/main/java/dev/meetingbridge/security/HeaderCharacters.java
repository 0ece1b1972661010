package dev.meetingbridge.security;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The firewall's rule for request header names and values, without a regular expression:
 * every character assigned in Unicode and none a control character, except a tab in a
 * value. Spring Security's default predicates state the same rule as patterns that are
 * matched again on every header read; on a REST call that was a few percent of its CPU.
 */
final class HeaderCharacters implements Predicate<String> {

	static final HeaderCharacters NAMES = new HeaderCharacters(false);

	static final HeaderCharacters VALUES = new HeaderCharacters(true);

	private final boolean tabAllowed;

	private HeaderCharacters(boolean tabAllowed) {
		this.tabAllowed = tabAllowed;
	}

	@Override
	public boolean test(@Nullable String text) {
		if (text == null) {
			// the firewall asks about headers the request does not have
			return true;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c >= 0x20 && c < 0x7f) {
				continue;
			}
			int codePoint = text.codePointAt(i);
			if (!allowed(codePoint)) {
				return false;
			}
			if (Character.isSupplementaryCodePoint(codePoint)) {
				i++;
			}
		}
		return true;
	}

	private boolean allowed(int codePoint) {
		if (codePoint == '\t') {
			return this.tabAllowed;
		}
		return Character.isDefined(codePoint) && !Character.isISOControl(codePoint);
	}

}
