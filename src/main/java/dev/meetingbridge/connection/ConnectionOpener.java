package dev.meetingbridge.connection;

import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.meeting.MeetingLookup;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.store.Refusal;
import dev.meetingbridge.store.Timestamps;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Opens the one connection of two meetings. Claiming the pair is one script: every
 * connect of the pair, however many run at once, gets from it the same connection and its
 * record. Each then opens both sides itself (a side opens a connection once, so the opens
 * are safe to repeat): none waits for another, and a connect whose opener stopped halfway
 * is finished by the next. A side closes a connection for good, so a connect that meets
 * one closed closes its other side too and claims the pair afresh.
 */
@Component
class ConnectionOpener {

	/**
	 * Claims of one connect: each after the first follows a close of the connection it
	 * found, which only a close racing every claim could repeat.
	 */
	private static final int CLAIMS = 3;

	private final ConnectionStore store;

	private final MeetingLookup meetings;

	private final Timestamps timestamps;

	ConnectionOpener(ConnectionStore store, MeetingLookup meetings, Timestamps timestamps) {
		this.store = store;
		this.meetings = meetings;
		this.timestamps = timestamps;
	}

	/**
	 * The pair's connection, opened on both sides: {@code proposed}'s when this connect
	 * claimed the pair ({@code opened}), the one that holds it otherwise.
	 */
	ConnectResult open(MeetingId meetingId, MeetingId other, ConnectionId proposed, String payload) {
		ConnectionRecord mine = new ConnectionRecord(proposed, payload, this.timestamps.now(), other);
		@Nullable ConnectionId closed = null;
		for (int claim = 0; claim < CLAIMS; claim++) {
			ConnectionRecord held = this.store.claimLink(meetingId, mine, closed);
			Connection opened = openBothSides(meetingId, held);
			if (opened != null) {
				return new ConnectResult(opened, held.id().equals(mine.id()));
			}
			closeBothSides(meetingId, held, ConnectionCloseReason.CLOSED);
			closed = held.id();
			if (closed.equals(mine.id())) {
				mine = new ConnectionRecord(ConnectionId.generate(), payload, this.timestamps.now(), other);
			}
		}
		throw new BridgeException(Problem.CONNECTION_CLOSED,
				"The connection of meetings " + meetingId + " and " + other + " kept closing as it opened; retry");
	}

	/**
	 * Opens both sides of the connection ({@code held}, as the meeting sees it); the
	 * connection as the meeting sees it, or null when a side has closed it. A meeting
	 * that refuses (it ended) is refused here, once what was opened is closed again.
	 */
	private @Nullable Connection openBothSides(MeetingId meetingId, ConnectionRecord held) {
		MeetingId other = held.otherMeetingId();
		String now = this.timestamps.now();
		Connection fromHere = view(meetingId, held);
		Connection fromThere = view(other, held.towards(meetingId));
		Refusal refusal = this.store.openSide(meetingId, held, fromHere, now);
		MeetingId refusing = meetingId;
		if (refusal == null) {
			refusal = this.store.openSide(other, held.towards(meetingId), fromThere, now);
			refusing = other;
		}
		if (refusal == null) {
			return fromHere;
		}
		if (refusal == Refusal.CONNECTION_CLOSED) {
			return null;
		}
		closeBothSides(meetingId, held, ConnectionCloseReason.MEETING_ENDED);
		this.store.releaseLink(meetingId, other, held.id());
		throw refusal.toException(refusing);
	}

	private void closeBothSides(MeetingId meetingId, ConnectionRecord held, ConnectionCloseReason reason) {
		String now = this.timestamps.now();
		this.store.closeSide(meetingId, held, reason, now, null);
		this.store.closeSide(held.otherMeetingId(), held.towards(meetingId), reason, now, null);
	}

	/**
	 * The connection as {@code meetingId} sees it, with the other meeting's participants.
	 */
	Connection view(MeetingId meetingId, ConnectionRecord record) {
		return new Connection(record.id().value(), record.payload(), record.createdAt(), meetingId.value(),
				new Connection.ConnectionMeeting(record.otherMeetingId().value(),
						this.meetings.participants(record.otherMeetingId())));
	}

}
