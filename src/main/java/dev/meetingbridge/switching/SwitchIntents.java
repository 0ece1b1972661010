package dev.meetingbridge.switching;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.ScriptSource;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Moves under way, recorded in Redis before their first step: who moves from where to
 * where, and which instance carries it out until when (its lease, in Redis time). All in
 * one slot ({@code {sw}}), so that recording, taking over and forgetting are each one
 * script.
 */
@Component
@SuppressWarnings("rawtypes")
class SwitchIntents {

	/** How long an instance may take over a move before another takes it over. */
	static final Duration LEASE = Duration.ofSeconds(5);

	/** How long an intent and the markers of its steps are kept at most. */
	static final Duration KEEP = Duration.ofDays(1);

	private final RedisScript<Long> begin = RedisScript.of(ScriptSource.read("switch-intent-begin"), Long.class);

	private final RedisScript<List> claim = RedisScript.of(ScriptSource.read("switch-intent-claim"), List.class);

	private final RedisScript<Long> finish = RedisScript.of(ScriptSource.read("switch-intent-finish"), Long.class);

	private final RedisScript<List> due = RedisScript.of(ScriptSource.read("switch-intent-due"), List.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	SwitchIntents(StringRedisTemplate redis, RedisKeys keys) {
		this.redis = redis;
		this.keys = keys;
	}

	/** A move as recorded, and when its current owner's lease runs out. */
	record Intent(String switchId, ParticipantId participantId, MeetingId from, MeetingId to, String message,
			long leaseUntil) {
	}

	/** Records the move, owned by {@code owner}; when its lease runs out. */
	long begin(String switchId, ParticipantId participantId, MeetingId from, MeetingId to, String message,
			String owner) {
		Long leaseUntil = this.redis.execute(this.begin, keys(switchId), switchId, participantId.value(), from.value(),
				to.value(), owner, Long.toString(LEASE.toMillis()), Long.toString(KEEP.toMillis()), message);
		if (leaseUntil == null) {
			throw new IllegalStateException("Redis did not record switch " + switchId);
		}
		return leaseUntil;
	}

	/** Takes the move over when its owner's lease ran out; empty when it did not. */
	Optional<Intent> claim(String switchId, String owner) {
		List<?> result = this.redis.execute(this.claim, keys(switchId), switchId, owner,
				Long.toString(LEASE.toMillis()));
		if (result == null || result.size() < 6 || !"ok".equals(result.get(0))) {
			return Optional.empty();
		}
		return Optional.of(new Intent(switchId, new ParticipantId((String) result.get(2)),
				new MeetingId((String) result.get(3)), new MeetingId((String) result.get(4)), (String) result.get(5),
				Long.parseLong((String) result.get(1))));
	}

	/** Forgets the move, if {@code owner} still owns it; whether it did. */
	boolean finish(String switchId, String owner) {
		Long done = this.redis.execute(this.finish, keys(switchId), switchId, owner);
		return done != null && done == 1;
	}

	/** Moves whose owner's lease ran out. */
	@SuppressWarnings("unchecked")
	List<String> due(int count) {
		List<String> ids = this.redis.execute(this.due, List.of(this.keys.switchesPending()), Integer.toString(count));
		return (ids != null) ? ids : List.of();
	}

	private List<String> keys(String switchId) {
		return List.of(this.keys.switchesPending(), this.keys.switchIntent(switchId));
	}

}
