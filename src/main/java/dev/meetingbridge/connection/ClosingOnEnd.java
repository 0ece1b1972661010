package dev.meetingbridge.connection;

import java.util.Map;

import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.meeting.EndingConnections;

import org.springframework.stereotype.Component;

/**
 * When a meeting ends, the other side of each of its connections closes
 * ({@code meeting-ended}) and the pair is free.
 */
@Component
class ClosingOnEnd implements EndingConnections {

	private final ConnectionStore store;

	ClosingOnEnd(ConnectionStore store) {
		this.store = store;
	}

	@Override
	public void closeOtherSides(MeetingId ended, Map<String, String> connections, String timestamp) {
		connections.forEach((id, other) -> {
			ConnectionId connectionId = new ConnectionId(id);
			MeetingId otherMeetingId = new MeetingId(other);
			// The ended side's record, kept after it closed, is the other side's too.
			ConnectionRecord record = this.store.record(ended, connectionId)
				.orElseGet(() -> new ConnectionRecord(connectionId, "", timestamp, otherMeetingId));
			this.store.closeSide(otherMeetingId, record.towards(ended), ConnectionCloseReason.MEETING_ENDED, timestamp,
					null);
			this.store.releaseLink(ended, otherMeetingId, connectionId);
		});
	}

}
