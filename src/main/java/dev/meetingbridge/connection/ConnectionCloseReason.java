package dev.meetingbridge.connection;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a connection closed, as {@code connection-close} reports it. */
public enum ConnectionCloseReason {

	/** A member of either meeting (or a server token) closed it. */
	CLOSED("closed"),
	/** One of its meetings ended. */
	MEETING_ENDED("meeting-ended");

	private final String wire;

	ConnectionCloseReason(String wire) {
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
