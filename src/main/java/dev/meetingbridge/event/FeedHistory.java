package dev.meetingbridge.event;

import java.util.List;

/** Reads a meeting's recorded events, to fill what its pub/sub channel missed. */
@FunctionalInterface
interface FeedHistory {

	/**
	 * The recorded events with a sequence greater than {@code after}, oldest first, at
	 * most {@code limit}, and the meeting's latest sequence.
	 */
	Page after(String meetingId, long after, int limit);

	/** Where the meeting stands without reading any event. */
	default long latest(String meetingId) {
		return after(meetingId, Long.MAX_VALUE / 2, 1).latest();
	}

	/**
	 * Part of a meeting's history; {@code exists} is false once the meeting was removed.
	 */
	record Page(boolean exists, long latest, List<ReceivedEvent> events) {
	}

}
