package dev.meetingbridge.store;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.idempotency.Idempotency;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Runs the meeting scripts. Each is the shared prelude (keys, sequencing, history,
 * publish, idempotency records) followed by the script's own file, so every state change
 * sequences, records and publishes its events atomically, and keeps the answer of a
 * request with an {@code Idempotency-Key} in the same step.
 * <p>
 * Each script also carries a deadline in Redis's time ({@link ScriptDeadlines}): past it
 * the prelude refuses, so a request that was refused here for a time-out never takes
 * effect later.
 */
@Component
public class MeetingScripts {

	@SuppressWarnings("rawtypes")
	private final Map<MeetingScript, RedisScript<List>> scripts = new EnumMap<>(MeetingScript.class);

	private final StringRedisTemplate redis;

	private final ReactiveScripts reactive;

	private final ReplicaAcks replicaAcks;

	private final MeetingScriptCall call;

	private final ScriptMetrics metrics;

	private final RecordedEventsListeners listeners;

	private final boolean cluster;

	MeetingScripts(StringRedisTemplate redis, ReactiveScripts reactive, ReplicaAcks replicaAcks, MeetingScriptCall call,
			ScriptMetrics metrics, RecordedEventsListeners listeners, RedisConnectionFactory connectionFactory) {
		this.redis = redis;
		this.reactive = reactive;
		this.replicaAcks = replicaAcks;
		this.call = call;
		this.metrics = metrics;
		this.listeners = listeners;
		this.cluster = connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
		// Sharded pub/sub keeps each meeting's events on the node that owns the meeting's
		// slot.
		String prelude = ScriptSource.read("meeting-prelude")
			.replace("__PUBLISH__", this.cluster ? "SPUBLISH" : "PUBLISH");
		for (MeetingScript script : MeetingScript.values()) {
			// The script's own body runs as a function, so that every script also returns
			// what it published.
			String source = prelude + "\nlocal function change()\n" + ScriptSource.read(script.fileName())
					+ "\nend\nlocal result = change()\nreturn { result, EMITTED }\n";
			this.scripts.put(script, RedisScript.of(source, List.class));
		}
	}

	/** Whether Redis is a cluster (sharded pub/sub, no pipelining across slots). */
	public boolean cluster() {
		return this.cluster;
	}

	/**
	 * Runs a meeting script. The result's first element is {@code ok} or a refusal code;
	 * the rest is the script's own.
	 */
	public ScriptResult run(MeetingScript script, String meetingId, String timestamp, String... args) {
		return run(script, meetingId, timestamp, null, args);
	}

	/**
	 * Runs a meeting script for a request that may carry an {@code Idempotency-Key}: a
	 * script that changes something keeps the answer in the same step, and a repeat of a
	 * request whose answer is kept throws {@link dev.meetingbridge.idempotency.Replayed}
	 * with it (a key used for another request: {@code idempotency-key-reused}; one whose
	 * request is under way: {@code idempotency-key-in-progress}).
	 */
	public ScriptResult run(MeetingScript script, String meetingId, String timestamp, @Nullable Idempotency idempotency,
			String... args) {
		return run(script, meetingId, List.of(), timestamp, idempotency, args);
	}

	/**
	 * Runs a meeting script that also touches keys of its own in the meeting's slot
	 * ({@code KEYS[8]} and on).
	 */
	public ScriptResult run(MeetingScript script, String meetingId, List<String> extraKeys, String timestamp,
			@Nullable Idempotency idempotency, String... args) {
		return run(script, meetingId, extraKeys, timestamp, idempotency, Long.MAX_VALUE, args);
	}

	/**
	 * Runs a meeting script that must not start after {@code notAfter} (Redis time in
	 * milliseconds) either: a step of a longer change whose caller holds a lease on it
	 * until then, so that nobody who takes the change over can meet a late step.
	 */
	public ScriptResult runBefore(long notAfter, MeetingScript script, String meetingId, List<String> extraKeys,
			String timestamp, String... args) {
		return run(script, meetingId, extraKeys, timestamp, null, notAfter, args);
	}

	private ScriptResult run(MeetingScript script, String meetingId, List<String> extraKeys, String timestamp,
			@Nullable Idempotency idempotency, long notAfter, String... args) {
		List<String> argv = this.call.arguments(meetingId, timestamp, idempotency, notAfter, args);
		List<String> scriptKeys = this.call.keys(meetingId, extraKeys, idempotency);
		Timer.Sample sample = Timer.start();
		List<?> result;
		try {
			result = (script.changes() && this.replicaAcks.enabled())
					? this.replicaAcks.runAndWait(this.scripts.get(script), scriptKeys, argv)
					: this.redis.execute(this.scripts.get(script), scriptKeys, argv.toArray());
		}
		catch (RuntimeException ex) {
			this.metrics.failed();
			throw ex;
		}
		finally {
			sample.stop(this.metrics.timer(script));
		}
		return outcome(script, meetingId, result);
	}

	/**
	 * Whether {@link #runReactive} may be used: not when every change must wait for
	 * replicas (that wait holds a connection of its own).
	 */
	public boolean reactive() {
		return !this.replicaAcks.enabled();
	}

	/**
	 * Runs a meeting script without waiting for it: the answer completes on an event loop
	 * (the caller's own, on one of the server's; else the Redis client's), so a caller on
	 * an event loop never blocks and no thread wakes up to wait for it. Refusals and
	 * replays as {@link #run}, as errors of the Mono.
	 */
	public Mono<ScriptResult> runReactive(MeetingScript script, String meetingId, String timestamp,
			@Nullable Idempotency idempotency, String... args) {
		return runReactive(script, meetingId, List.of(), timestamp, idempotency, args);
	}

	/**
	 * {@link #runReactive}, for a script with keys of its own ({@code KEYS[8]} and on).
	 */
	public Mono<ScriptResult> runReactive(MeetingScript script, String meetingId, List<String> extraKeys,
			String timestamp, @Nullable Idempotency idempotency, String... args) {
		List<String> argv = this.call.arguments(meetingId, timestamp, idempotency, Long.MAX_VALUE, args);
		List<String> scriptKeys = this.call.keys(meetingId, extraKeys, idempotency);
		return Mono.defer(() -> {
			Timer.Sample sample = Timer.start();
			return this.reactive.run(this.scripts.get(script), scriptKeys, argv)
				.doOnError((ex) -> this.metrics.failed())
				.doFinally((signal) -> sample.stop(this.metrics.timer(script)))
				.map((result) -> outcome(script, meetingId, result));
		});
	}

	private ScriptResult outcome(MeetingScript script, String meetingId, @Nullable List<?> result) {
		if (result == null || result.size() != 2) {
			return new ScriptResult(null);
		}
		List<?> emitted = (List<?>) result.get(1);
		this.metrics.published(emitted);
		this.listeners.recorded(meetingId, emitted);
		ScriptResult outcome = new ScriptResult((List<?>) result.get(0));
		if (!outcome.ok()) {
			ScriptOutcome.refuseOrReplay(outcome, script.fileName(), meetingId);
		}
		return outcome;
	}

}
