package dev.meetingbridge.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.idempotency.Replayed;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.QueryTimeoutException;
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
 * Each script also carries a deadline in Redis's time ({@link RedisClock}): past it the
 * prelude refuses, so a request that was refused here for a time-out never takes effect
 * later.
 */
@Component
public class MeetingScripts {

	private static final Logger logger = LoggerFactory.getLogger(MeetingScripts.class);

	@SuppressWarnings("rawtypes")
	private final Map<MeetingScript, RedisScript<List>> scripts = new EnumMap<>(MeetingScript.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final RedisClock clock;

	private final ScriptMetrics metrics;

	private final ReplicaAcks replicaAcks;

	private final String maxEvents;

	private final String keepMillis;

	private final boolean cluster;

	private final ReactiveScripts reactive;

	private final WebhookKeys webhookKeys;

	private final ObjectProvider<RecordedEvents> listenerProvider;

	/** Resolved on first use: the listeners themselves run scripts. */
	private volatile @Nullable List<RecordedEvents> listeners;

	MeetingScripts(StringRedisTemplate redis, RedisKeys keys, BridgeProperties properties, RedisClock clock,
			ScriptMetrics metrics, ReplicaAcks replicaAcks, RedisConnectionFactory connectionFactory,
			ReactiveScripts reactive, WebhookKeys webhookKeys, ObjectProvider<RecordedEvents> listeners) {
		this.redis = redis;
		this.reactive = reactive;
		this.webhookKeys = webhookKeys;
		this.listenerProvider = listeners;
		this.keys = keys;
		this.clock = clock;
		this.metrics = metrics;
		this.replicaAcks = replicaAcks;
		this.maxEvents = Integer.toString(properties.history().maxEvents());
		this.keepMillis = Long.toString(properties.idempotency().ttl().toMillis());
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

	/** The current time in the contract's format, as the scripts receive it. */
	public String now() {
		return this.clock.now();
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
	 * request whose answer is kept throws {@link Replayed} with it (a key used for
	 * another request: {@code idempotency-key-reused}; one whose request is under way:
	 * {@code idempotency-key-in-progress}).
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
		List<String> argv = arguments(meetingId, timestamp, idempotency, notAfter, args);
		List<String> scriptKeys = keys(meetingId, extraKeys, idempotency);
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
	 * Runs a meeting script without waiting for it: the answer completes on the Redis
	 * client's I/O thread, so a caller on an event loop never blocks and no thread wakes
	 * up to wait for it. Refusals and replays as {@link #run}, as errors of the Mono.
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
		List<String> argv = arguments(meetingId, timestamp, idempotency, Long.MAX_VALUE, args);
		List<String> scriptKeys = keys(meetingId, extraKeys, idempotency);
		return Mono.defer(() -> {
			Timer.Sample sample = Timer.start();
			return this.reactive.run(this.scripts.get(script), scriptKeys, argv)
				.doOnError((ex) -> this.metrics.failed())
				.doFinally((signal) -> sample.stop(this.metrics.timer(script)))
				.map((result) -> outcome(script, meetingId, result));
		});
	}

	private List<String> arguments(String meetingId, String timestamp, @Nullable Idempotency idempotency, long notAfter,
			String... args) {
		List<String> argv = new ArrayList<>(9 + args.length);
		argv.add(meetingId);
		argv.add(this.keys.eventChannel(meetingId));
		argv.add(this.maxEvents);
		argv.add(timestamp);
		argv.addAll(List.of(args));
		argv.addAll(this.webhookKeys.recordingArguments(meetingId));
		// Last, so that every script keeps its own arguments at ARGV 5 and on.
		argv.add((idempotency != null) ? idempotency.fingerprint() : "");
		argv.add(this.keepMillis);
		argv.add(Long.toString(Math.min(notAfter, this.clock.deadline())));
		return argv;
	}

	private List<String> keys(String meetingId, List<String> extraKeys, @Nullable Idempotency idempotency) {
		List<String> scriptKeys = this.keys.meetingScriptKeys(meetingId,
				(idempotency != null) ? idempotency.recordId() : null);
		if (!extraKeys.isEmpty()) {
			scriptKeys = new ArrayList<>(scriptKeys);
			scriptKeys.addAll(extraKeys);
		}
		return scriptKeys;
	}

	private ScriptResult outcome(MeetingScript script, String meetingId, @Nullable List<?> result) {
		if (result == null || result.size() != 2) {
			return new ScriptResult(null);
		}
		List<?> emitted = (List<?>) result.get(1);
		this.metrics.published(emitted);
		if (!emitted.isEmpty()) {
			List<RecordedEvents> told = this.listeners;
			if (told == null) {
				told = this.listenerProvider.orderedStream().toList();
				this.listeners = told;
			}
			for (RecordedEvents listener : told) {
				try {
					listener.recorded(meetingId, emitted);
				}
				catch (RuntimeException ex) {
					// The change is made and its events scheduled: a listener cannot
					// undo the answer (listeners must not block: on the asynchronous
					// path this runs on the Redis client's I/O thread).
					logger.warn("A listener of the events of {} failed", meetingId, ex);
				}
			}
		}
		ScriptResult outcome = new ScriptResult((List<?>) result.get(0));
		if (!outcome.ok()) {
			refuseOrReplay(outcome, script.fileName(), meetingId);
		}
		return outcome;
	}

	/**
	 * Throws what a script's answer means beyond its own refusals: it started too late,
	 * or it answered for an {@code Idempotency-Key}.
	 */
	static void refuseOrReplay(ScriptResult outcome, String what, String where) {
		switch (outcome.status()) {
			case "expired" -> throw new QueryTimeoutException(
					"Redis started the " + what + " script of " + where + " after its deadline; it changed nothing");
			case "replayed" -> throw new Replayed(Integer.parseInt(outcome.string(1)), outcome.string(2));
			case "idempotency-key-reused" -> throw new BridgeException(Problem.IDEMPOTENCY_KEY_REUSED,
					"This Idempotency-Key was used for another request (method, path or body)");
			case "idempotency-key-in-progress" -> throw new BridgeException(Problem.IDEMPOTENCY_KEY_IN_PROGRESS,
					"The request with this Idempotency-Key is still being carried out; retry shortly", List.of(),
					Duration.ofMillis(Math.max(1, outcome.number(1))));
			default -> {
			}
		}
	}

}
