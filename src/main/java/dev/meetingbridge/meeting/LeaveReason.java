package dev.meetingbridge.meeting;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a participant left, as {@code participant-left} reports it. The scripts write the
 * last three themselves ({@code end-meeting.lua}, {@code presence-depart.lua},
 * {@code switch-leave.lua}).
 */
public enum LeaveReason {

	/** The participant left. */
	LEFT("left"),
	/** A moderator (or a server token) removed the participant. */
	REMOVED("removed"),
	/** The meeting ended. */
	MEETING_ENDED("meeting-ended"),
	/**
	 * The participant's STOMP session ended and it did not come back within the grace.
	 */
	DISCONNECTED("disconnected"),
	/** The bridge moved the participant to another meeting (a switch with "move"). */
	SWITCHED("switched");

	private final String wire;

	LeaveReason(String wire) {
		this.wire = wire;
	}

	@JsonValue
	public String wire() {
		return this.wire;
	}

	@Override
	public String toString() {
		return this.wire;
	}

}
