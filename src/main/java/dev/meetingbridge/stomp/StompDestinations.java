package dev.meetingbridge.stomp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.meetingbridge.event.EventType;
import dev.meetingbridge.meeting.Identifiers;
import org.jspecify.annotations.Nullable;

/**
 * The destinations clients may use, parsed: meeting topics to SUBSCRIBE to, the session's error
 * queue, and the SEND destinations. Ids are only split out here; they are validated where every
 * id is (a malformed one is refused like a malformed REST path).
 */
final class StompDestinations {

	static final String ERRORS = "/user/queue/errors";

	private static final Pattern TOPIC = Pattern.compile("^/topic/meetings/([^/]+)/([a-z-]+)$");

	private static final Pattern SEND = Pattern
		.compile("^/app/meetings/([^/]+)/(?:(join)|(leave)|connections/([^/]+)/(chat-messages))$");

	private StompDestinations() {
	}

	/** A meeting topic: {@code /topic/meetings/{m}/{type}}. */
	record Topic(String meetingId, EventType type) {
	}

	/** What a client SENDs to. */
	enum Action {

		JOIN, LEAVE, CHAT

	}

	/** A SEND destination: the meeting, what to do, and for chat the connection. */
	record Send(String meetingId, Action action, @Nullable String connectionId) {
	}

	static Optional<Topic> topic(@Nullable String destination) {
		if (destination == null) {
			return Optional.empty();
		}
		Matcher matcher = TOPIC.matcher(destination);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		if (!Identifiers.isValid(matcher.group(1))) {
			return Optional.empty();
		}
		return EventType.of(matcher.group(2)).map((type) -> new Topic(matcher.group(1), type));
	}

	static Optional<Send> send(@Nullable String destination) {
		if (destination == null) {
			return Optional.empty();
		}
		Matcher matcher = SEND.matcher(destination);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		String meetingId = matcher.group(1);
		if (matcher.group(2) != null) {
			return Optional.of(new Send(meetingId, Action.JOIN, null));
		}
		if (matcher.group(3) != null) {
			return Optional.of(new Send(meetingId, Action.LEAVE, null));
		}
		return Optional.of(new Send(meetingId, Action.CHAT, matcher.group(4)));
	}

}
