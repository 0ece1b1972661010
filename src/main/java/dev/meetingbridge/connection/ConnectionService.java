package dev.meetingbridge.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.idempotency.Replayed;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.meeting.EndedBy;
import dev.meetingbridge.meeting.Meeting;
import dev.meetingbridge.meeting.MeetingLookup;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.IdempotencyRecords;
import dev.meetingbridge.store.Refusal;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

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

	private final MeetingLookup meetings;

	private final MeetingService meetingService;

	private final AccessRules access;

	private final IdempotencyRecords records;

	private final JsonMapper json;

	ConnectionService(ConnectionStore store, MeetingLookup meetings, MeetingService meetingService, AccessRules access,
			IdempotencyRecords records, JsonMapper json) {
		this.store = store;
		this.meetings = meetings;
		this.meetingService = meetingService;
		this.access = access;
		this.records = records;
		this.json = json;
	}

	/**
	 * Connects the meeting to another. When the two are already connected, whichever side
	 * opened it, the existing connection is returned and nothing is published. With an
	 * {@code Idempotency-Key}, a repeat gets the first answer, and one that takes over an
	 * attempt which stopped halfway opens the same connection.
	 */
	public ConnectResult connect(BridgePrincipal principal, MeetingId meetingId, @Nullable MeetingId otherMeetingId,
			@Nullable String payload, @Nullable Idempotency idempotency) {
		MeetingId other = IdFormat.present(MeetingId.FIELD, otherMeetingId);
		String text = payload == null ? "" : payload;
		if (text.length() > MAX_PAYLOAD) {
			throw BridgeException.invalid("payload", "must be at most " + MAX_PAYLOAD + " characters");
		}
		if (other.equals(meetingId)) {
			throw new BridgeException(Problem.SELF_CONNECTION, "A meeting cannot connect to itself");
		}
		String record = (idempotency != null) ? this.records.onMeeting(meetingId.value(), idempotency) : "";
		return this.records.once(idempotency, record, ConnectionId.generate().value(),
				(result) -> this.json.writeValueAsString(result.connection()), (attempt) -> {
					ConnectResult result = connect(principal, meetingId, other, text,
							new ConnectionId(attempt.chosen()));
					return new IdempotencyRecords.Answer<>(result, result.opened() ? 201 : 200);
				});
	}

	private ConnectResult connect(BridgePrincipal principal, MeetingId meetingId, MeetingId other, String text,
			ConnectionId connectionId) {
		this.meetings.requireActive(meetingId);
		this.access.requireManageConnections(principal, meetingId.value());
		this.meetings.requireActive(other);

		long deadline = System.nanoTime() + PENDING_WAIT.toNanos();
		ConnectionId holder;
		while (!(holder = this.store.claimLink(meetingId, other, connectionId, null)).equals(connectionId)) {
			// Records first, then open flags: a side is opened (record and flag at once)
			// before anything closes it, so a record with no open side means the holder
			// has closed, not that it is opening.
			boolean recorded = this.store.record(meetingId, holder).isPresent()
					|| this.store.record(other, holder).isPresent();
			if (this.store.isOpen(meetingId, holder) || this.store.isOpen(other, holder)) {
				return new ConnectResult(view(meetingId, holder, other), false);
			}
			if (recorded || System.nanoTime() > deadline) {
				// The pair still names a connection that is open on neither side: it
				// closed without releasing the pair (an interrupted close), or its opener
				// vanished, so this connect takes its place.
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
			this.store.closeSide(meetingId, connectionId, ConnectionCloseReason.MEETING_ENDED, this.store.now(), null);
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

	/**
	 * Closes the connection on both sides. With an {@code Idempotency-Key}, a repeat gets
	 * the first answer and finishes what the first may not have (the other side).
	 */
	public void close(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			@Nullable Idempotency idempotency) {
		ConnectionRecord record;
		try {
			if (idempotency != null) {
				this.records.replayIfKept(this.records.onMeeting(meetingId.value(), idempotency), idempotency);
			}
			this.meetings.require(meetingId);
			this.access.requireManageConnections(principal, meetingId.value());
			record = this.store.requireOpen(meetingId, connectionId);
			if (!this.store.closeSide(meetingId, connectionId, ConnectionCloseReason.CLOSED, this.store.now(),
					idempotency)) {
				throw ConnectionStore.closed(connectionId);
			}
		}
		catch (Replayed replayed) {
			// The first attempt closed this side; it may have stopped before the other.
			this.store.record(meetingId, connectionId)
				.ifPresent((closed) -> closeOtherSide(meetingId, closed.otherMeetingId(), connectionId));
			throw replayed;
		}
		closeOtherSide(meetingId, record.otherMeetingId(), connectionId);
	}

	/**
	 * Closes the other side of a connection whose side in {@code meetingId} is closed,
	 * and frees the pair; safe to repeat.
	 */
	private void closeOtherSide(MeetingId meetingId, MeetingId other, ConnectionId connectionId) {
		this.store.closeSide(other, connectionId, ConnectionCloseReason.CLOSED, this.store.now(), null);
		this.store.releaseLink(meetingId, other, connectionId);
	}

	/**
	 * Ends the meeting at the other end of the connection: every participant there
	 * leaves. With an {@code Idempotency-Key}, a repeat gets the first answer.
	 */
	public Meeting endOther(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			@Nullable Idempotency idempotency) {
		// The answer is kept with the ended meeting, found through the connection's
		// record (kept after it closed), so that a repeat finds it whatever has changed.
		Optional<ConnectionRecord> record = this.store.record(meetingId, connectionId);
		if (record.isEmpty()) {
			this.meetings.require(meetingId);
			this.access.requireManageConnections(principal, meetingId.value());
			throw ConnectionStore.notFound(meetingId, connectionId);
		}
		return this.meetingService.endFromConnected(record.get().otherMeetingId(),
				new EndedBy(meetingId.value(), principal.server() ? null : principal.participantId()), idempotency,
				() -> {
					this.meetings.require(meetingId);
					this.access.requireManageConnections(principal, meetingId.value());
					ConnectionStore.requireOpen(meetingId, connectionId, record,
							() -> this.store.isOpen(meetingId, connectionId), this::refuseIfOtherEnded);
				});
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

	/**
	 * The meeting at the other end of the meeting's open connection; 404 or 409
	 * {@code connection-closed} otherwise. Access is the caller's to check.
	 */
	public MeetingId openOther(MeetingId meetingId, ConnectionId connectionId) {
		return this.store.requireOpen(meetingId, connectionId).otherMeetingId();
	}

	/**
	 * The meeting at the other end of a connection, from its stored record (open or
	 * closed), without any check.
	 */
	public Optional<MeetingId> otherMeeting(@Nullable String storedRecord) {
		return Optional.ofNullable(storedRecord).map(this.store::parse).map(ConnectionRecord::otherMeetingId);
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
