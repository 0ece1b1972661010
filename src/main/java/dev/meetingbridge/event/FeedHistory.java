package dev.meetingbridge.event;

import java.util.List;

/**
 * Reads a meeting's recorded events, to fill what its pub/sub channel missed, and gives
 * the meeting a new epoch when its history went back.
 */
interface FeedHistory {

	/**
	 * The recorded events with a sequence greater than {@code after}, oldest first, at
	 * most {@code limit}, with the meeting's latest sequence and epoch.
	 */
	Page after(String meetingId, long after, int limit);

	/** Where the meeting stands without reading any event. */
	default Page latest(String meetingId) {
		return after(meetingId, Long.MAX_VALUE / 2, 1);
	}

	/**
	 * Gives the meeting a new epoch, unless its epoch is no longer {@code seen} (another
	 * instance did it first); either way, where the meeting stands now, without events.
	 */
	Page resetEpoch(String meetingId, String seen);

	/**
	 * Part of a meeting's history; {@code exists} is false once the meeting is gone (it
	 * was removed after it ended, or Redis lost it).
	 */
	record Page(boolean exists, long latest, String epoch, List<ReceivedEvent> events) {

		static Page gone() {
			return new Page(false, 0, "", List.of());
		}

	}

}
