package dev.meetingbridge.stomp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.meetingbridge.event.EventType;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import org.jspecify.annotations.Nullable;

/**
 * The destinations clients may use, parsed into typed ids: meeting topics to SUBSCRIBE
 * to, the session's own queues (errors, switch-meeting), and the SEND destinations.
 * Anything else, a malformed id included, is a destination the bridge does not serve.
 */
final class StompDestinations {

	static final String ERRORS = "/user/queue/errors";

	/**
	 * Where a participant's sessions hear that they are asked (or were moved) to switch.
	 */
	static final String SWITCH_MEETING = "/user/queue/switch-meeting";

	private static final Pattern TOPIC = Pattern.compile("^/topic/meetings/(" + IdFormat.REGEX + ")/([a-z-]+)$");

	private static final Pattern SEND = Pattern.compile("^/app/meetings/(" + IdFormat.REGEX
			+ ")/(?:(join)|(leave)|connections/(" + IdFormat.REGEX + ")/chat-messages)$");

	private StompDestinations() {
	}

	/** A meeting topic: {@code /topic/meetings/{m}/{type}}. */
	record Topic(MeetingId meetingId, EventType type) {
	}

	/** What a client SENDs to. */
	enum Action {

		JOIN, LEAVE, CHAT

	}

	/** A SEND destination: the meeting, what to do, and for chat the connection. */
	record Send(MeetingId meetingId, Action action, @Nullable ConnectionId connectionId) {
	}

	static Optional<Topic> topic(@Nullable String destination) {
		Matcher matcher = match(TOPIC, destination);
		if (matcher == null) {
			return Optional.empty();
		}
		return EventType.of(matcher.group(2)).map((type) -> new Topic(MeetingId.of(matcher.group(1)), type));
	}

	static Optional<Send> send(@Nullable String destination) {
		Matcher matcher = match(SEND, destination);
		if (matcher == null) {
			return Optional.empty();
		}
		MeetingId meetingId = MeetingId.of(matcher.group(1));
		if (matcher.group(2) != null) {
			return Optional.of(new Send(meetingId, Action.JOIN, null));
		}
		if (matcher.group(3) != null) {
			return Optional.of(new Send(meetingId, Action.LEAVE, null));
		}
		return Optional.of(new Send(meetingId, Action.CHAT, ConnectionId.of(matcher.group(4))));
	}

	private static @Nullable Matcher match(Pattern pattern, @Nullable String destination) {
		if (destination == null) {
			return null;
		}
		Matcher matcher = pattern.matcher(destination);
		return matcher.matches() ? matcher : null;
	}

}
