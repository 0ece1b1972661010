package dev.meetingbridge.connection;

import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;

/**
 * What each side stores of a connection, kept after it closes so that late requests get
 * 409 rather than 404.
 */
record ConnectionRecord(ConnectionId id, String payload, String createdAt, MeetingId otherMeetingId) {

	/** The same connection as the side whose other meeting is {@code other} holds it. */
	ConnectionRecord towards(MeetingId other) {
		return new ConnectionRecord(this.id, this.payload, this.createdAt, other);
	}

}
