package dev.meetingbridge.connection;

import java.util.Optional;
import java.util.function.Consumer;

import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import org.jspecify.annotations.Nullable;

/**
 * One meeting's side of a connection as it was read: the record (none when the meeting
 * never had the connection) and whether it is open. Another feature's script may read it
 * with its own things in one step ({@link ConnectionService#side}); what a side holds and
 * what it answers stay this module's.
 */
public final class ConnectionSide {

	private final MeetingId meetingId;

	private final ConnectionId connectionId;

	private final @Nullable ConnectionRecord record;

	private final boolean open;

	ConnectionSide(MeetingId meetingId, ConnectionId connectionId, @Nullable ConnectionRecord record, boolean open) {
		this.meetingId = meetingId;
		this.connectionId = connectionId;
		this.record = record;
		this.open = record != null && open;
	}

	public boolean open() {
		return this.open;
	}

	/**
	 * The meeting at the other end, open or closed; empty when the meeting never had it.
	 */
	public Optional<MeetingId> otherMeeting() {
		return Optional.ofNullable(this.record).map(ConnectionRecord::otherMeetingId);
	}

	/**
	 * The open connection's record, or 404 {@code connection-not-found} / 409
	 * {@code connection-closed}; a closed one is first shown to {@code whenClosed}, which
	 * may throw a more telling refusal.
	 */
	ConnectionRecord requireOpen(Consumer<ConnectionRecord> whenClosed) {
		if (this.record == null) {
			throw ConnectionStore.notFound(this.meetingId, this.connectionId);
		}
		if (!this.open) {
			whenClosed.accept(this.record);
			throw ConnectionStore.closed(this.connectionId);
		}
		return this.record;
	}

}
