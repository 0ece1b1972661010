package dev.meetingbridge.meeting;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.problem.BridgeException;
import org.jspecify.annotations.Nullable;

/**
 * The meeting list's {@code cursor}: the position of the last meeting of a page in the
 * index ({@code createdAtMillis:meetingId}, base64url), opaque to clients.
 */
final class MeetingCursor {

	private MeetingCursor() {
	}

	/**
	 * The position, or null for the first page; a {@code validation-failed} problem for
	 * anything we did not write.
	 */
	static MeetingIndex.@Nullable Entry decode(@Nullable String cursor) {
		if (cursor == null || cursor.isEmpty()) {
			return null;
		}
		try {
			String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
			int split = decoded.indexOf(':');
			String id = decoded.substring(split + 1);
			if (split < 1 || !IdFormat.isValid(id)) {
				throw new IllegalArgumentException();
			}
			// Cursors carry whole milliseconds; anything else (NaN, Infinity, 1e999) is
			// not one of ours.
			return new MeetingIndex.Entry(id, Long.parseLong(decoded.substring(0, split)));
		}
		catch (IllegalArgumentException ex) {
			throw BridgeException.invalid("cursor", "is not a cursor this service returned");
		}
	}

	static String encode(MeetingIndex.Entry entry) {
		String raw = (long) entry.score() + ":" + entry.id();
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
	}

}
