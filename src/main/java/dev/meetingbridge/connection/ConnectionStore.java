package dev.meetingbridge.connection;

import java.util.List;
import java.util.Optional;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.Refusal;
import dev.meetingbridge.store.ScriptSource;
import dev.meetingbridge.store.StoreAccess;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Connections in Redis. Each side keeps its own record and open-connections entry; a pair
 * key names the one connection that joins two meetings and holds its record. Opening and
 * closing are single-meeting steps, so they are safe on Redis Cluster; a side closes a
 * connection for good, so no late step opens it again.
 */
@Component
class ConnectionStore {

	private final StringRedisTemplate redis;

	private final MeetingScripts scripts;

	private final RedisKeys keys;

	private final JsonMapper json;

	private final RedisScript<String> claimLink = RedisScript.of(ScriptSource.read("claim-link"), String.class);

	private final RedisScript<Long> releaseLink = RedisScript.of(ScriptSource.read("release-link"), Long.class);

	ConnectionStore(StoreAccess store) {
		this.redis = store.redis();
		this.scripts = store.scripts();
		this.keys = store.keys();
		this.json = store.json();
	}

	/** The meeting's record of a connection, open or closed. */
	Optional<ConnectionRecord> record(MeetingId meetingId, ConnectionId connectionId) {
		String value = this.redis.<String, String>opsForHash()
			.get(this.keys.connectionInfo(meetingId.value()), connectionId.value());
		return Optional.ofNullable(value).map(this::parse);
	}

	private ConnectionRecord parse(String stored) {
		return this.json.readValue(stored, ConnectionRecord.class);
	}

	/** The meeting's side of the connection, read now. */
	ConnectionSide side(MeetingId meetingId, ConnectionId connectionId) {
		Optional<ConnectionRecord> record = record(meetingId, connectionId);
		return new ConnectionSide(meetingId, connectionId, record.orElse(null),
				record.isPresent() && isOpen(meetingId, connectionId));
	}

	/**
	 * The side as a meeting script read it with {@code connectionSide} (in
	 * {@code meeting-prelude.lua}): the record or nothing, and 1 when it is open.
	 */
	ConnectionSide side(MeetingId meetingId, ConnectionId connectionId, List<?> read) {
		ConnectionRecord record = (read.get(0) instanceof String stored) ? parse(stored) : null;
		return new ConnectionSide(meetingId, connectionId, record,
				read.get(1) instanceof Number open && open.longValue() == 1);
	}

	boolean isOpen(MeetingId meetingId, ConnectionId connectionId) {
		return this.redis.opsForHash().hasKey(this.keys.connections(meetingId.value()), connectionId.value());
	}

	static BridgeException notFound(MeetingId meetingId, ConnectionId connectionId) {
		return new BridgeException(Problem.CONNECTION_NOT_FOUND,
				"Meeting " + meetingId + " has no connection " + connectionId);
	}

	static BridgeException closed(ConnectionId connectionId) {
		return new BridgeException(Problem.CONNECTION_CLOSED, "Connection " + connectionId + " is closed");
	}

	/**
	 * Claims the pair of the meeting and {@code proposed}'s other meeting for
	 * {@code proposed} (taking it from {@code replaceable}, a connection found closed),
	 * and returns the record of the connection that holds it, as the meeting sees it.
	 */
	ConnectionRecord claimLink(MeetingId meetingId, ConnectionRecord proposed, @Nullable ConnectionId replaceable) {
		MeetingId other = proposed.otherMeetingId();
		String holder = this.redis.execute(this.claimLink, List.of(this.keys.link(meetingId.value(), other.value())),
				this.json.writeValueAsString(proposed), (replaceable != null) ? replaceable.value() : "");
		if (holder.startsWith("{")) {
			return parse(holder).towards(other);
		}
		// A pair key that names only its connection: the record is on the sides.
		ConnectionId id = new ConnectionId(holder);
		return record(meetingId, id).or(() -> record(other, id))
			.orElseGet(() -> new ConnectionRecord(id, "", proposed.createdAt(), other))
			.towards(other);
	}

	void releaseLink(MeetingId meetingId, MeetingId otherMeetingId, ConnectionId connectionId) {
		this.redis.execute(this.releaseLink, List.of(this.keys.link(meetingId.value(), otherMeetingId.value())),
				connectionId.value());
	}

	/**
	 * Opens one side; returns the refusal ({@code connection-closed}: the side has closed
	 * it), or null when this side is open.
	 */
	@Nullable Refusal openSide(MeetingId meetingId, ConnectionRecord record, Connection view, String timestamp) {
		var result = this.scripts.run(MeetingScript.CONNECTION_OPEN, meetingId.value(), timestamp, record.id().value(),
				record.otherMeetingId().value(), this.json.writeValueAsString(record),
				this.json.writeValueAsString(view));
		return (result.ok() || result.refusal() == Refusal.ALREADY_OPEN) ? null : result.refusal();
	}

	/**
	 * Closes the meeting's side of the connection ({@code record}, as the meeting sees
	 * it); false when it was not open, and then the side keeps the record as closed. With
	 * an {@code Idempotency-Key}, the answer is kept in the same step.
	 */
	boolean closeSide(MeetingId meetingId, ConnectionRecord record, ConnectionCloseReason reason, String timestamp,
			@Nullable Idempotency idempotency) {
		return this.scripts
			.run(MeetingScript.CONNECTION_CLOSE, meetingId.value(), timestamp, idempotency, record.id().value(),
					reason.wire(), this.json.writeValueAsString(record))
			.ok();
	}

}
