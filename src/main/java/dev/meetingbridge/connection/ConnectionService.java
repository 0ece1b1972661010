package dev.meetingbridge.connection;

import java.util.ArrayList;
import java.util.List;

import dev.meetingbridge.meeting.EndedBy;
import dev.meetingbridge.meeting.Identifiers;
import dev.meetingbridge.meeting.Meeting;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.meeting.MeetingStore;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/** Opening, reading, closing connections between two meetings, and ending the meeting at the other end. */
@Service
public class ConnectionService {

	/** Reasons a connection closes, as {@code connection-close} reports them. */
	static final String CLOSED = "closed";

	static final String MEETING_ENDED = "meeting-ended";

	static final int MAX_PAYLOAD = 4096;

	private final ConnectionStore store;

	private final MeetingStore meetings;

	private final MeetingService meetingService;

	private final AccessRules access;

	ConnectionService(ConnectionStore store, MeetingStore meetings, MeetingService meetingService,
			AccessRules access) {
		this.store = store;
		this.meetings = meetings;
		this.meetingService = meetingService;
		this.access = access;
	}

	/**
	 * Connects the meeting to another. When the two are already connected, whichever side opened
	 * it, the existing connection is returned and nothing is published.
	 */
	public ConnectResult connect(BridgePrincipal principal, String meetingId, @Nullable String otherMeetingId,
			@Nullable String payload) {
		String other = Identifiers.require("meetingId", otherMeetingId);
		String text = payload == null ? "" : payload;
		if (text.length() > MAX_PAYLOAD) {
			throw BridgeException.invalid("payload", "must be at most " + MAX_PAYLOAD + " characters");
		}
		if (other.equals(meetingId)) {
			throw new BridgeException(Problem.SELF_CONNECTION, "A meeting cannot connect to itself");
		}
		this.meetingService.requireActive(meetingId);
		this.access.requireManageConnections(principal, meetingId);
		this.meetingService.requireActive(other);

		String connectionId = dev.meetingbridge.store.Ids.connectionId();
		String holder = this.store.claimLink(meetingId, other, connectionId, "");
		if (!holder.equals(connectionId)) {
			if (this.store.isOpen(meetingId, holder) || this.store.isOpen(other, holder)) {
				return new ConnectResult(view(meetingId, holder, other), false);
			}
			// The pair still names a connection that is open on neither side: it closed without
			// releasing the pair (an interrupted close), so this connect takes its place.
			holder = this.store.claimLink(meetingId, other, connectionId, holder);
			if (!holder.equals(connectionId)) {
				return new ConnectResult(view(meetingId, holder, other), false);
			}
		}
		String now = this.store.now();
		ConnectionRecord mine = new ConnectionRecord(connectionId, text, now, other);
		ConnectionRecord theirs = new ConnectionRecord(connectionId, text, now, meetingId);
		Connection fromHere = new Connection(connectionId, text, now, meetingId,
				new Connection.ConnectionMeeting(other, this.meetings.participants(other)));
		Connection fromThere = new Connection(connectionId, text, now, other,
				new Connection.ConnectionMeeting(meetingId, this.meetings.participants(meetingId)));
		String refusal = this.store.openSide(meetingId, mine, fromHere, now);
		if (refusal != null) {
			this.store.releaseLink(meetingId, other, connectionId);
			throw ConnectionStore.refusal(refusal, meetingId);
		}
		refusal = this.store.openSide(other, theirs, fromThere, now);
		if (refusal != null) {
			// The other meeting ended in between: this side closes again, as ending would have closed it.
			this.store.closeSide(meetingId, connectionId, MEETING_ENDED, this.store.now());
			this.store.releaseLink(meetingId, other, connectionId);
			throw ConnectionStore.refusal(refusal, other);
		}
		return new ConnectResult(fromHere, true);
	}

	public List<Connection> list(BridgePrincipal principal, String meetingId) {
		this.meetings.require(meetingId);
		this.access.requireRead(principal, meetingId);
		List<Connection> connections = new ArrayList<>();
		this.store.openConnections(meetingId).forEach((connectionId, other) -> {
			this.store.record(meetingId, connectionId)
				.ifPresent((record) -> connections.add(view(meetingId, record)));
		});
		return connections;
	}

	public Connection get(BridgePrincipal principal, String meetingId, String connectionId) {
		this.meetings.require(meetingId);
		this.access.requireRead(principal, meetingId);
		return view(meetingId, this.store.requireOpen(meetingId, connectionId));
	}

	public void close(BridgePrincipal principal, String meetingId, String connectionId) {
		this.meetings.require(meetingId);
		this.access.requireManageConnections(principal, meetingId);
		ConnectionRecord record = this.store.requireOpen(meetingId, connectionId);
		String now = this.store.now();
		if (!this.store.closeSide(meetingId, connectionId, CLOSED, now)) {
			throw ConnectionStore.closed(connectionId);
		}
		this.store.closeSide(record.otherMeetingId(), connectionId, CLOSED, now);
		this.store.releaseLink(meetingId, record.otherMeetingId(), connectionId);
	}

	/** Ends the meeting at the other end of the connection: every participant there leaves. */
	public Meeting endOther(BridgePrincipal principal, String meetingId, String connectionId) {
		this.meetings.require(meetingId);
		this.access.requireManageConnections(principal, meetingId);
		ConnectionRecord record = this.store.requireOpen(meetingId, connectionId);
		this.meetings.end(record.otherMeetingId(),
				new EndedBy(meetingId, principal.server() ? null : principal.participantId()));
		return this.meetings.require(record.otherMeetingId());
	}

	/** The open connection's other meeting, for chat; 404 or 409 otherwise. */
	public String requireOpenOther(String meetingId, String connectionId) {
		return this.store.requireOpen(meetingId, connectionId).otherMeetingId();
	}

	private Connection view(String meetingId, String connectionId, String other) {
		ConnectionRecord record = this.store.record(meetingId, connectionId)
			.or(() -> this.store.record(other, connectionId)
				.map((theirs) -> new ConnectionRecord(theirs.id(), theirs.payload(), theirs.createdAt(), other)))
			.orElseThrow(() -> ConnectionStore.closed(connectionId));
		return view(meetingId, record);
	}

	private Connection view(String meetingId, ConnectionRecord record) {
		return new Connection(record.id(), record.payload(), record.createdAt(), meetingId,
				new Connection.ConnectionMeeting(record.otherMeetingId(),
						this.meetings.participants(record.otherMeetingId())));
	}

}
