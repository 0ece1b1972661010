package dev.meetingbridge.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
import dev.meetingbridge.store.Timestamps;
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

	private final ConnectionStore store;

	private final ConnectionOpener opener;

	private final MeetingLookup meetings;

	private final MeetingService ending;

	private final AccessRules access;

	private final IdempotencyRecords records;

	private final JsonMapper json;

	private final Timestamps timestamps;

	ConnectionService(ConnectionStore store, ConnectionOpener opener, MeetingLookup meetings, MeetingService ending,
			AccessRules access, IdempotencyRecords records, JsonMapper json, Timestamps timestamps) {
		this.store = store;
		this.opener = opener;
		this.meetings = meetings;
		this.ending = ending;
		this.access = access;
		this.records = records;
		this.json = json;
		this.timestamps = timestamps;
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
		String text = (payload != null) ? payload : "";
		if (text.length() > MAX_PAYLOAD) {
			throw BridgeException.invalid("payload", "must be at most " + MAX_PAYLOAD + " characters");
		}
		if (other.equals(meetingId)) {
			throw new BridgeException(Problem.SELF_CONNECTION, "A meeting cannot connect to itself");
		}
		String record = (idempotency != null) ? this.records.onMeeting(meetingId.value(), idempotency) : "";
		return this.records.once(idempotency, record, ConnectionId.generate().value(),
				(result) -> this.json.writeValueAsString(result.connection()), (attempt) -> {
					this.meetings.requireActive(meetingId);
					this.access.requireManageConnections(principal, meetingId.value());
					this.meetings.requireActive(other);
					ConnectResult result = this.opener.open(meetingId, other, new ConnectionId(attempt.chosen()), text);
					return new IdempotencyRecords.Answer<>(result, result.opened() ? 201 : 200);
				});
	}

	public List<Connection> list(BridgePrincipal principal, MeetingId meetingId) {
		Meeting meeting = this.meetings.require(meetingId);
		this.access.requireRead(principal, meetingId.value());
		List<Connection> connections = new ArrayList<>();
		for (String connectionId : meeting.connections()) {
			this.store.record(meetingId, new ConnectionId(connectionId))
				.ifPresent((record) -> connections.add(this.opener.view(meetingId, record)));
		}
		return connections;
	}

	public Connection get(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId) {
		this.meetings.require(meetingId);
		this.access.requireRead(principal, meetingId.value());
		return this.opener.view(meetingId, requireOpen(meetingId, connectionId));
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
			record = requireOpen(meetingId, connectionId);
			if (!this.store.closeSide(meetingId, record, ConnectionCloseReason.CLOSED, this.timestamps.now(),
					idempotency)) {
				throw ConnectionStore.closed(connectionId);
			}
		}
		catch (Replayed replayed) {
			// The first attempt closed this side; it may have stopped before the other.
			this.store.record(meetingId, connectionId).ifPresent((closed) -> closeOtherSide(meetingId, closed));
			throw replayed;
		}
		closeOtherSide(meetingId, record);
	}

	/**
	 * Closes the other side of a connection whose side in {@code meetingId} is closed,
	 * and frees the pair; safe to repeat.
	 */
	private void closeOtherSide(MeetingId meetingId, ConnectionRecord record) {
		MeetingId other = record.otherMeetingId();
		this.store.closeSide(other, record.towards(meetingId), ConnectionCloseReason.CLOSED, this.timestamps.now(),
				null);
		this.store.releaseLink(meetingId, other, record.id());
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
		return this.ending.endFromConnected(record.get().otherMeetingId(),
				new EndedBy(meetingId.value(), principal.server() ? null : principal.participantId()), idempotency,
				() -> {
					this.meetings.require(meetingId);
					this.access.requireManageConnections(principal, meetingId.value());
					requireOpenToActive(new ConnectionSide(meetingId, connectionId, record.get(),
							this.store.isOpen(meetingId, connectionId)));
				});
	}

	/**
	 * The meeting's side of the connection as a script of that meeting read it with
	 * {@code connectionSide} (in {@code meeting-prelude.lua}), beside its own things.
	 */
	public ConnectionSide side(MeetingId meetingId, ConnectionId connectionId, List<?> read) {
		return this.store.side(meetingId, connectionId, read);
	}

	/**
	 * The other meeting of the open connection, for chat; 404, or 409
	 * {@code meeting-ended} when the connection closed and that meeting has ended,
	 * {@code connection-closed} otherwise.
	 */
	public MeetingId requireOpenOther(ConnectionSide side) {
		return requireOpenToActive(side).otherMeetingId();
	}

	/**
	 * The meeting at the other end of the meeting's open connection; 404 or 409
	 * {@code connection-closed} otherwise. Access is the caller's to check.
	 */
	public MeetingId openOther(MeetingId meetingId, ConnectionId connectionId) {
		return requireOpen(meetingId, connectionId).otherMeetingId();
	}

	private ConnectionRecord requireOpen(MeetingId meetingId, ConnectionId connectionId) {
		return this.store.side(meetingId, connectionId).requireOpen((closed) -> {
		});
	}

	private ConnectionRecord requireOpenToActive(ConnectionSide side) {
		return side.requireOpen((closed) -> {
			if (this.meetings.hasEnded(closed.otherMeetingId())) {
				throw Refusal.MEETING_ENDED.toException(closed.otherMeetingId());
			}
		});
	}

}
