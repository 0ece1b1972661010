package dev.meetingbridge.connection;

import java.util.Map;

import dev.meetingbridge.meeting.Participant;

/**
 * A connection as seen from one of its meetings ({@code meetingId}): {@code meeting} is
 * the other side, the SDK's {@code connection.meeting}.
 */
public record Connection(String id, String payload, String createdAt, String meetingId, ConnectionMeeting meeting) {

	/** The meeting at the other end of a connection, with its participants. */
	public record ConnectionMeeting(String id, Map<String, Participant> participants) {
	}

}
