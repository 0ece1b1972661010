package dev.meetingbridge.meeting;

import java.util.regex.Pattern;

import dev.meetingbridge.problem.BridgeException;
import org.jspecify.annotations.Nullable;

/** Validates meeting and participant ids at the edge (API.md section 1); deeper code trusts them. */
public final class Identifiers {

	private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");

	private Identifiers() {
	}

	/** The id, or a {@code validation-failed} problem naming the field. */
	public static String require(String field, @Nullable String value) {
		if (value == null || value.isEmpty()) {
			throw BridgeException.invalid(field, "must not be empty");
		}
		if (!ID.matcher(value).matches()) {
			throw BridgeException.invalid(field,
					"must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
		}
		return value;
	}

	public static boolean isValid(@Nullable String value) {
		return value != null && ID.matcher(value).matches();
	}

}
