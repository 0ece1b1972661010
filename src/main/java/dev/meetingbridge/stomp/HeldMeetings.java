package dev.meetingbridge.stomp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The meetings a SUBSCRIBE holds while it is being authorised: every hold is closed with
 * this, unless it was handed over to the subscription first.
 */
final class HeldMeetings implements AutoCloseable {

	private final MeetingHolds holds;

	private final Map<String, MeetingHold> held = new LinkedHashMap<>();

	HeldMeetings(MeetingHolds holds) {
		this.holds = holds;
	}

	/** Holds the meeting too, unless it is held already; throws when Redis fails. */
	void add(String meetingId) {
		if (!this.held.containsKey(meetingId)) {
			this.held.put(meetingId, this.holds.hold(meetingId));
		}
	}

	boolean contains(String meetingId) {
		return this.held.containsKey(meetingId);
	}

	/** Lets go of every meeting but those {@code needed}. */
	void keepOnly(Set<String> needed) {
		this.held.values().removeIf((hold) -> {
			if (needed.contains(hold.meetingId())) {
				return false;
			}
			hold.close();
			return true;
		});
	}

	/** The holds, which the caller now owns; nothing is held here any more. */
	List<MeetingHold> handOver() {
		List<MeetingHold> handed = new ArrayList<>(this.held.values());
		this.held.clear();
		return handed;
	}

	@Override
	public void close() {
		this.held.values().forEach(MeetingHold::close);
		this.held.clear();
	}

}
