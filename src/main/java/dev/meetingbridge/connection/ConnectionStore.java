package dev.meetingbridge.connection;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.Refusal;
import dev.meetingbridge.store.ScriptResult;
import dev.meetingbridge.store.ScriptSource;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Connections in Redis. Each side keeps its own record and open-connections entry; a pair
 * key names the one connection that joins two meetings. Opening and closing are
 * single-meeting steps in a fixed order, so they are safe on Redis Cluster.
 */
@Component
class ConnectionStore {

	private final StringRedisTemplate redis;

	private final MeetingScripts scripts;

	private final RedisKeys keys;

	private final JsonMapper json;

	private final RedisScript<String> claimLink = RedisScript.of(ScriptSource.read("claim-link"), String.class);

	private final RedisScript<Long> releaseLink = RedisScript.of(ScriptSource.read("release-link"), Long.class);

	ConnectionStore(StringRedisTemplate redis, MeetingScripts scripts, RedisKeys keys, JsonMapper json) {
		this.redis = redis;
		this.scripts = scripts;
		this.keys = keys;
		this.json = json;
	}

	/** The meeting's record of a connection, open or closed. */
	Optional<ConnectionRecord> record(MeetingId meetingId, ConnectionId connectionId) {
		String value = this.redis.<String, String>opsForHash()
			.get(this.keys.connectionInfo(meetingId.value()), connectionId.value());
		return Optional.ofNullable(value).map(this::parse);
	}

	ConnectionRecord parse(String stored) {
		return this.json.readValue(stored, ConnectionRecord.class);
	}

	/** The meeting's open connection, or 404 / 409 {@code connection-closed}. */
	ConnectionRecord requireOpen(MeetingId meetingId, ConnectionId connectionId) {
		return requireOpen(meetingId, connectionId, (closed) -> {
		});
	}

	/**
	 * The meeting's open connection, or 404 / 409; a closed one is first shown to
	 * {@code whenClosed}, which may throw a more telling refusal than
	 * {@code connection-closed}.
	 */
	ConnectionRecord requireOpen(MeetingId meetingId, ConnectionId connectionId,
			Consumer<ConnectionRecord> whenClosed) {
		return requireOpen(meetingId, connectionId, record(meetingId, connectionId),
				() -> isOpen(meetingId, connectionId), whenClosed);
	}

	/** As above, from the record and the open flag as they were read. */
	static ConnectionRecord requireOpen(MeetingId meetingId, ConnectionId connectionId,
			Optional<ConnectionRecord> stored, BooleanSupplier open, Consumer<ConnectionRecord> whenClosed) {
		ConnectionRecord record = stored.orElseThrow(() -> notFound(meetingId, connectionId));
		if (!open.getAsBoolean()) {
			whenClosed.accept(record);
			throw closed(connectionId);
		}
		return record;
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
	 * Claims the two meetings' link for the connection (taking it from
	 * {@code replaceable}); returns the holder.
	 */
	ConnectionId claimLink(MeetingId meetingId, MeetingId otherMeetingId, ConnectionId connectionId,
			@Nullable ConnectionId replaceable) {
		String holder = this.redis.execute(this.claimLink,
				List.of(this.keys.link(meetingId.value(), otherMeetingId.value())), connectionId.value(),
				replaceable == null ? "" : replaceable.value());
		return new ConnectionId(holder);
	}

	void releaseLink(MeetingId meetingId, MeetingId otherMeetingId, ConnectionId connectionId) {
		this.redis.execute(this.releaseLink, List.of(this.keys.link(meetingId.value(), otherMeetingId.value())),
				connectionId.value());
	}

	/** Opens one side; returns the refusal, or null when this side is open. */
	@Nullable Refusal openSide(MeetingId meetingId, ConnectionRecord record, Connection view, String timestamp) {
		ScriptResult result = this.scripts.run(MeetingScript.CONNECTION_OPEN, meetingId.value(), timestamp,
				record.id().value(), record.otherMeetingId().value(), this.json.writeValueAsString(record),
				this.json.writeValueAsString(view));
		return result.ok() || result.refusal() == Refusal.ALREADY_OPEN ? null : result.refusal();
	}

	/**
	 * Closes one side; false when it was not open. With an {@code Idempotency-Key}, the
	 * answer is kept in the same step.
	 */
	boolean closeSide(MeetingId meetingId, ConnectionId connectionId, ConnectionCloseReason reason, String timestamp,
			@Nullable Idempotency idempotency) {
		return this.scripts
			.run(MeetingScript.CONNECTION_CLOSE, meetingId.value(), timestamp, idempotency, connectionId.value(),
					reason.wire())
			.ok();
	}

	String now() {
		return this.scripts.now();
	}

}
