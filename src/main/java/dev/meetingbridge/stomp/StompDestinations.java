package dev.meetingbridge.stomp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.meetingbridge.event.EventType;
import dev.meetingbridge.ids.IdFormat;
import org.jspecify.annotations.Nullable;

/** The destinations clients may use, parsed. */
final class StompDestinations {

	static final String ERRORS = "/user/queue/errors";

	private static final Pattern TOPIC = Pattern.compile("^/topic/meetings/(" + IdFormat.REGEX + ")/([a-z-]+)$");

	private static final Pattern SEND = Pattern.compile("^/app/meetings/" + IdFormat.REGEX + "/(join|leave|connections/"
			+ IdFormat.REGEX + "/chat-messages)$");

	private StompDestinations() {
	}

	/** A meeting topic: {@code /topic/meetings/{m}/{type}}. */
	record Topic(String meetingId, EventType type) {
	}

	static Optional<Topic> topic(@Nullable String destination) {
		if (destination == null) {
			return Optional.empty();
		}
		Matcher matcher = TOPIC.matcher(destination);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		return EventType.of(matcher.group(2)).map((type) -> new Topic(matcher.group(1), type));
	}

	static boolean isClientSend(@Nullable String destination) {
		return destination != null && SEND.matcher(destination).matches();
	}

}
