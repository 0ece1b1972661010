package dev.meetingbridge.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.meeting.EndedBy;
import dev.meetingbridge.meeting.Meeting;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.Refusal;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Opening, reading, closing connections between two meetings, and ending the meeting at
 * the other end.
 */
@Service
public class ConnectionService {

	static final int MAX_PAYLOAD = 4096;

	/**
	 * How long a connect waits for a concurrent connect of the same two meetings before
	 * taking over its claim.
	 */
	private static final Duration PENDING_WAIT = Duration.ofSeconds(3);

	private static final Duration PENDING_POLL = Duration.ofMillis(2);

	private final ConnectionStore store;

	private final MeetingService meetings;

	private final AccessRules access;

	ConnectionService(ConnectionStore store, MeetingService meetings, AccessRules access) {
		this.store = store;
		this.meetings = meetings;
		this.access = access;
	}

	/**
	 * Connects the meeting to another. When the two are already connected, whichever side
	 * opened it, the existing connection is returned and nothing is published.
	 */
	public ConnectResult connect(BridgePrincipal principal, MeetingId meetingId, @Nullable MeetingId otherMeetingId,
			@Nullable String payload) {
		MeetingId other = IdFormat.present(MeetingId.FIELD, otherMeetingId);
		String text = payload == null ? "" : payload;
		if (text.length() > MAX_PAYLOAD) {
			throw BridgeException.invalid("payload", "must be at most " + MAX_PAYLOAD + " characters");
		}
		if (other.equals(meetingId)) {
			throw new BridgeException(Problem.SELF_CONNECTION, "A meeting cannot connect to itself");
		}
		this.meetings.requireActive(meetingId);
		this.access.requireManageConnections(principal, meetingId.value());
		this.meetings.requireActive(other);

		ConnectionId connectionId = ConnectionId.generate();
		long deadline = System.nanoTime() + PENDING_WAIT.toNanos();
		ConnectionId holder;
		while (!(holder = this.store.claimLink(meetingId, other, connectionId, null)).equals(connectionId)) {
			// Records first, then open flags: a side is opened (record and flag at once)
			// before anything
			// closes it, so a record with no open side means the holder has closed, not
			// that it is opening.
			boolean recorded = this.store.record(meetingId, holder).isPresent()
					|| this.store.record(other, holder).isPresent();
			if (this.store.isOpen(meetingId, holder) || this.store.isOpen(other, holder)) {
				return new ConnectResult(view(meetingId, holder, other), false);
			}
			if (recorded || System.nanoTime() > deadline) {
				// The pair still names a connection that is open on neither side: it
				// closed without
				// releasing the pair (an interrupted close), or its opener vanished, so
				// this connect
				// takes its place.
				this.store.claimLink(meetingId, other, connectionId, holder);
			}
			else {
				// A concurrent connect of the same pair is opening it: wait for its
				// outcome.
				LockSupport.parkNanos(PENDING_POLL.toNanos());
			}
		}
		String now = this.store.now();
		ConnectionRecord mine = new ConnectionRecord(connectionId, text, now, other);
		ConnectionRecord theirs = new ConnectionRecord(connectionId, text, now, meetingId);
		Connection fromHere = new Connection(connectionId.value(), text, now, meetingId.value(),
				new Connection.ConnectionMeeting(other.value(), this.meetings.participants(other)));
		Connection fromThere = new Connection(connectionId.value(), text, now, other.value(),
				new Connection.ConnectionMeeting(meetingId.value(), this.meetings.participants(meetingId)));
		Refusal refusal = this.store.openSide(meetingId, mine, fromHere, now);
		if (refusal != null) {
			this.store.releaseLink(meetingId, other, connectionId);
			throw refusal.toException(meetingId);
		}
		refusal = this.store.openSide(other, theirs, fromThere, now);
		if (refusal != null) {
			// The other meeting ended in between: this side closes again, as ending would
			// have closed it.
			this.store.closeSide(meetingId, connectionId, ConnectionCloseReason.MEETING_ENDED, this.store.now());
			this.store.releaseLink(meetingId, other, connectionId);
			throw refusal.toException(other);
		}
		return new ConnectResult(fromHere, true);
	}

	public List<Connection> list(BridgePrincipal principal, MeetingId meetingId) {
		Meeting meeting = this.meetings.require(meetingId);
		this.access.requireRead(principal, meetingId.value());
		List<Connection> connections = new ArrayList<>();
		for (String connectionId : meeting.connections()) {
			this.store.record(meetingId, new ConnectionId(connectionId))
				.ifPresent((record) -> connections.add(view(meetingId, record)));
		}
		return connections;
	}

	public Connection get(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId) {
		this.meetings.require(meetingId);
		this.access.requireRead(principal, meetingId.value());
		return view(meetingId, this.store.requireOpen(meetingId, connectionId));
	}

	public void close(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId) {
		this.meetings.require(meetingId);
		this.access.requireManageConnections(principal, meetingId.value());
		ConnectionRecord record = this.store.requireOpen(meetingId, connectionId);
		String now = this.store.now();
		if (!this.store.closeSide(meetingId, connectionId, ConnectionCloseReason.CLOSED, now)) {
			throw ConnectionStore.closed(connectionId);
		}
		this.store.closeSide(record.otherMeetingId(), connectionId, ConnectionCloseReason.CLOSED, now);
		this.store.releaseLink(meetingId, record.otherMeetingId(), connectionId);
	}

	/**
	 * Ends the meeting at the other end of the connection: every participant there
	 * leaves.
	 */
	public Meeting endOther(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId) {
		this.meetings.require(meetingId);
		this.access.requireManageConnections(principal, meetingId.value());
		ConnectionRecord record = requireOpenToActive(meetingId, connectionId);
		return this.meetings.endFromConnected(record.otherMeetingId(),
				new EndedBy(meetingId.value(), principal.server() ? null : principal.participantId()));
	}

	/**
	 * The open connection, for acting on the meeting at its other end. When that meeting
	 * has ended (which also closed the connection), the refusal is {@code meeting-ended},
	 * as the contract promises for chatting to or ending an ended meeting.
	 */
	private ConnectionRecord requireOpenToActive(MeetingId meetingId, ConnectionId connectionId) {
		return this.store.requireOpen(meetingId, connectionId, this::refuseIfOtherEnded);
	}

	/**
	 * The open connection's other meeting, for chat, from the connection's stored record
	 * and open flag as read with the chat's other checks; 404 or 409 otherwise (409
	 * {@code meeting-ended} when that meeting has ended).
	 */
	public MeetingId requireOpenOther(MeetingId meetingId, ConnectionId connectionId, @Nullable String storedRecord,
			boolean open) {
		Optional<ConnectionRecord> record = Optional.ofNullable(storedRecord).map(this.store::parse);
		return ConnectionStore.requireOpen(meetingId, connectionId, record, () -> open, this::refuseIfOtherEnded)
			.otherMeetingId();
	}

	private void refuseIfOtherEnded(ConnectionRecord closed) {
		if (this.meetings.hasEnded(closed.otherMeetingId())) {
			throw Refusal.MEETING_ENDED.toException(closed.otherMeetingId());
		}
	}

	private Connection view(MeetingId meetingId, ConnectionId connectionId, MeetingId other) {
		ConnectionRecord record = this.store.record(meetingId, connectionId)
			.or(() -> this.store.record(other, connectionId)
				.map((theirs) -> new ConnectionRecord(theirs.id(), theirs.payload(), theirs.createdAt(), other)))
			.orElseThrow(() -> ConnectionStore.closed(connectionId));
		return view(meetingId, record);
	}

	private Connection view(MeetingId meetingId, ConnectionRecord record) {
		return new Connection(record.id().value(), record.payload(), record.createdAt(), meetingId.value(),
				new Connection.ConnectionMeeting(record.otherMeetingId().value(),
						this.meetings.participants(record.otherMeetingId())));
	}

}
