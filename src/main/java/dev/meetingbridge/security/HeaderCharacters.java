package dev.meetingbridge.security;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * The firewall's rule for request header names and values: every character assigned in
 * Unicode and none a control character, except a tab in a value. It is the rule of Spring
 * Security's default predicates, written as a loop over the characters rather than a
 * regular expression because it runs on every header of every request (the firewall
 * checks each header read, the REST API's edge every header of the request).
 */
public final class HeaderCharacters implements Predicate<String> {

	static final HeaderCharacters NAMES = new HeaderCharacters(false);

	static final HeaderCharacters VALUES = new HeaderCharacters(true);

	private final boolean tabAllowed;

	private HeaderCharacters(boolean tabAllowed) {
		this.tabAllowed = tabAllowed;
	}

	@Override
	public boolean test(@Nullable String text) {
		// the firewall asks about headers the request does not have
		return text == null || passes(text);
	}

	private boolean passes(CharSequence text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c >= 0x20 && c < 0x7f) {
				continue;
			}
			int codePoint = Character.codePointAt(text, i);
			if (!allowed(codePoint)) {
				return false;
			}
			if (Character.isSupplementaryCodePoint(codePoint)) {
				i++;
			}
		}
		return true;
	}

	/**
	 * Whether every header name and value of the request passes the firewall's rule (the
	 * REST API's own edge checks what Spring Security's firewall would).
	 */
	public static boolean acceptable(HttpHeaders headers) {
		for (Map.Entry<String, List<String>> header : headers.headerSet()) {
			if (!NAMES.test(header.getKey())) {
				return false;
			}
			for (String value : header.getValue()) {
				if (!VALUES.test(value)) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * The same for headers as the server's codec holds them, one name and value at a
	 * time, without copying them into lists first.
	 */
	public static boolean acceptable(
			Iterator<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> headers) {
		while (headers.hasNext()) {
			Map.Entry<? extends CharSequence, ? extends CharSequence> header = headers.next();
			if (!NAMES.passes(header.getKey()) || !VALUES.passes(header.getValue())) {
				return false;
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
