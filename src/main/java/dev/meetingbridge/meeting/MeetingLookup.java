package dev.meetingbridge.meeting;

import java.util.Map;

import dev.meetingbridge.ids.MeetingId;

import org.springframework.stereotype.Component;

/**
 * What the connection, chat and switching features read of a meeting, without access
 * checks: theirs to make for the meeting the request is about.
 */
@Component
public class MeetingLookup {

	private final MeetingStore store;

	MeetingLookup(MeetingStore store) {
		this.store = store;
	}

	/** The meeting, or 404. */
	public Meeting require(MeetingId meetingId) {
		return this.store.require(meetingId);
	}

	/** The meeting's participants (none when it does not exist). */
	public Map<String, Participant> participants(MeetingId meetingId) {
		return this.store.participants(meetingId);
	}

	public boolean hasEnded(MeetingId meetingId) {
		return this.store.status(meetingId).filter(MeetingStatus.ENDED::equals).isPresent();
	}

	/** Fails with 404 or 409 unless the meeting exists and is active. */
	public void requireActive(MeetingId meetingId) {
		MeetingStatus.requireActive(meetingId, this.store.status(meetingId));
	}

}
