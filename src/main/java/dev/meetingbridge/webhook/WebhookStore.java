package dev.meetingbridge.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.config.WebhookEndpoint;
import dev.meetingbridge.presence.InstanceId;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.ScriptResult;
import dev.meetingbridge.store.ScriptSource;
import dev.meetingbridge.store.WebhookKeys;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The delivery state in Redis: the lease and cursor scripts of one meeting and endpoint,
 * the schedule's due meetings, the endpoints' health, and the backlog operators see.
 */
@Component
class WebhookStore {

	/** Events read from the history per claim. */
	static final int BATCH = 100;

	/** Due meetings read from one shard per sweep. */
	private static final int DUE_PER_SHARD = 256;

	private final MeetingScripts scripts;

	private final WebhookKeys keys;

	private final StringRedisTemplate redis;

	private final ScheduleReader reader;

	private final RedisScript<String> statusScript = RedisScript.of(ScriptSource.read("webhook-status"), String.class);

	private final String instance;

	private final String leaseMillis;

	private final String keepMillis;

	WebhookStore(MeetingScripts scripts, WebhookKeys keys, StringRedisTemplate redis, ScheduleReader reader,
			InstanceId instance, BridgeProperties properties) {
		this.scripts = scripts;
		this.keys = keys;
		this.redis = redis;
		this.reader = reader;
		this.instance = instance.value();
		this.leaseMillis = Long.toString(properties.webhooks().leaseTtl().toMillis());
		// A caught-up state may go with its meeting; a pending one is rewritten
		// on every attempt.
		this.keepMillis = Long.toString(properties.retention().endedMeetings().plusDays(1).toMillis());
	}

	/** What a claim found. */
	sealed interface Claim {

	}

	/** Nothing to do now: idle, backing off, held by another live instance, or gone. */
	record Nothing(String why) implements Claim {
	}

	/**
	 * The lease is ours: the meeting's epoch, the range that fell out of the history
	 * before the endpoint had it (from 0: none), the latest sequence, the attempts made
	 * at the first event so far, and the next events (JSON, oldest first).
	 */
	record Batch(String epoch, long skippedFrom, long skippedTo, long latest, long attempts,
			List<String> events) implements Claim {
	}

	Claim claim(WebhookEndpoint endpoint, String meetingId) {
		ScriptResult result = this.scripts.run(MeetingScript.WEBHOOK_CLAIM, meetingId,
				this.keys.scriptKeys(meetingId, endpoint.id()), "", null, this.instance, this.leaseMillis,
				Integer.toString(BATCH));
		if (!result.ok()) {
			return new Nothing(result.status());
		}
		return new Batch(result.string(1), result.number(2), result.number(3), result.number(4), result.number(5),
				result.list(6));
	}

	/**
	 * Moves the cursor to (epoch, sequence); true while more is pending and the lease is
	 * still ours, false when caught up or the lease was lost.
	 */
	boolean ack(WebhookEndpoint endpoint, String meetingId, String epoch, long sequence, long nextSinceMillis) {
		ScriptResult result = this.scripts.run(MeetingScript.WEBHOOK_ACK, meetingId,
				this.keys.scriptKeys(meetingId, endpoint.id()), "", null, this.instance, epoch, Long.toString(sequence),
				this.leaseMillis, Long.toString(nextSinceMillis), this.keepMillis);
		return "more".equals(result.status());
	}

	/** Backs off: the next attempt after the delay, by any instance. */
	void retry(WebhookEndpoint endpoint, String meetingId, Duration delay) {
		this.scripts.run(MeetingScript.WEBHOOK_RETRY, meetingId, this.keys.scriptKeys(meetingId, endpoint.id()), "",
				null, this.instance, Long.toString(Math.max(0, delay.toMillis())), this.keepMillis);
	}

	/** Gives the lease up, leaving the meeting due at once for another instance. */
	void release(WebhookEndpoint endpoint, String meetingId) {
		this.scripts.run(MeetingScript.WEBHOOK_RELEASE, meetingId, this.keys.scriptKeys(meetingId, endpoint.id()), "",
				null, this.instance);
	}

	/**
	 * Records the endpoint's health ('ok' or 'failing', with the last error) and returns
	 * the state it had.
	 */
	String health(WebhookEndpoint endpoint, String state, @Nullable String error, long nowMillis) {
		String old = this.redis.execute(this.statusScript, List.of(this.keys.status(endpoint.id())), state,
				(error != null) ? error : "", Long.toString(nowMillis));
		return (old != null) ? old : "ok";
	}

	/** The endpoint's health: state, error and when it was recorded. */
	Map<Object, Object> health(WebhookEndpoint endpoint) {
		return this.redis.opsForHash().entries(this.keys.status(endpoint.id()));
	}

	/** Meetings whose next attempt is due, across every shard. */
	List<String> due(WebhookEndpoint endpoint, long nowMillis) {
		List<String> keys = this.keys.shards().stream().map((shard) -> this.keys.due(shard, endpoint.id())).toList();
		return this.reader.scoredUpTo(keys, nowMillis, DUE_PER_SHARD);
	}

	/**
	 * How many meetings wait for the endpoint, and since when the longest-waiting one
	 * waits.
	 */
	record Backlog(long pendingMeetings, @Nullable Long oldestSinceMillis) {
	}

	Backlog backlog(WebhookEndpoint endpoint) {
		return this.reader
			.count(this.keys.shards().stream().map((shard) -> this.keys.since(shard, endpoint.id())).toList());
	}

}
