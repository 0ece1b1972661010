package dev.meetingbridge.store;

import java.util.List;
import java.util.function.Function;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.idempotency.Replayed;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The records of requests with an {@code Idempotency-Key} whose change takes several
 * steps in Redis (creating a meeting, ending one, connecting two), so that no single
 * script can keep the answer with the change: the record is pending, under a lease, from
 * before the first step until the answer is kept. A repeat meanwhile is told to wait
 * ({@code idempotency-key-in-progress}); a repeat after the lease ran out (the first
 * request's instance died) takes the request over and finishes it with what the first
 * chose, each step being safe to repeat.
 */
@Component
@SuppressWarnings("rawtypes")
public class IdempotencyRecords {

	private static final Logger logger = LoggerFactory.getLogger(IdempotencyRecords.class);

	/**
	 * How long a request may take between its first step and its answer before a repeat
	 * takes it over.
	 */
	static final long LEASE_MILLIS = 10_000;

	private final RedisScript<List> begin = RedisScript.of(ScriptSource.read("idempotency-begin"), List.class);

	private final RedisScript<List> complete = RedisScript.of(ScriptSource.read("idempotency-complete"), List.class);

	private final RedisScript<List> abandon = RedisScript.of(ScriptSource.read("idempotency-abandon"), List.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final ScriptDeadlines deadlines;

	private final ReplicaAcks replicaAcks;

	private final String keepMillis;

	IdempotencyRecords(StringRedisTemplate redis, RedisKeys keys, ScriptDeadlines deadlines, ReplicaAcks replicaAcks,
			BridgeProperties properties) {
		this.redis = redis;
		this.keys = keys;
		this.deadlines = deadlines;
		this.replicaAcks = replicaAcks;
		this.keepMillis = Long.toString(properties.idempotency().ttl().toMillis());
	}

	/**
	 * Where the record of a request changing the meeting is kept: in its slot, next to
	 * what the change writes.
	 */
	public String onMeeting(String meetingId, Idempotency idempotency) {
		return this.keys.idempotency(meetingId, idempotency.recordId());
	}

	/**
	 * Where the record of a request that is not made on one known meeting is kept.
	 */
	public String ofItsOwn(Idempotency idempotency) {
		return this.keys.idempotency(idempotency.recordId());
	}

	/**
	 * Starts the request: its record is pending until {@link #complete} or
	 * {@link #abandon}. Throws {@link Replayed} when an earlier attempt answered, and
	 * refuses when the key was used for another request or its request is under way.
	 * @param chosen what this attempt chose (a generated id), kept for a takeover
	 * @return what the request acts with: {@code chosen}, or what the attempt it takes
	 * over had chosen
	 */
	public Attempt begin(String record, Idempotency idempotency, String chosen) {
		ScriptResult outcome = run(this.begin, record, List.of(idempotency.fingerprint(), Long.toString(LEASE_MILLIS),
				this.keepMillis, chosen, Long.toString(this.deadlines.deadline())));
		ScriptOutcome.refuseOrReplay(outcome, "idempotency-begin", "a request");
		return switch (outcome.status()) {
			case "begun" -> new Attempt(outcome.string(1), false);
			case "takeover" -> new Attempt(outcome.string(1), true);
			default -> throw new BridgeException(Problem.STORE_UNAVAILABLE, "Unexpected store answer");
		};
	}

	/** Keeps the answer of a request begun here (for its repeats). */
	public void complete(String record, Idempotency idempotency, int status, String body) {
		run(this.complete, record, List.of(idempotency.fingerprint(), Integer.toString(status), body, this.keepMillis));
	}

	/**
	 * The request begun here was refused, so it changed nothing: its key is free again.
	 */
	public void abandon(String record, Idempotency idempotency) {
		this.redis.execute(this.abandon, List.of(record), idempotency.fingerprint());
	}

	/** Runs a record script, waiting for replicas when the operator asked for that. */
	private ScriptResult run(RedisScript<List> script, String record, List<String> args) {
		return new ScriptResult(this.replicaAcks.enabled() ? this.replicaAcks.runAndWait(script, List.of(record), args)
				: this.redis.execute(script, List.of(record), args.toArray()));
	}

	/**
	 * Carries out a request whose change takes several steps, once per
	 * {@code Idempotency-Key} (without a key: just once). A repeat of a request that
	 * answered gets {@link Replayed}; a refusal ({@link BridgeException}) frees the key;
	 * any other failure leaves the record pending, so that a repeat after its lease takes
	 * the request over with the same choice and finishes what the steps began.
	 * @param record where the record is kept ({@link #onMeeting}, {@link #ofItsOwn})
	 * @param chosen what this attempt would act with (a generated id)
	 * @param body the answer's body as it is sent, to be kept for repeats
	 * @param action the request's checks and steps; each step must be safe to repeat
	 */
	public <T> T once(@Nullable Idempotency idempotency, String record, String chosen, Function<T, String> body,
			Function<Attempt, Answer<T>> action) {
		if (idempotency == null) {
			return action.apply(new Attempt(chosen, false)).value();
		}
		Attempt attempt = begin(record, idempotency, chosen);
		Answer<T> answer;
		try {
			answer = action.apply(attempt);
		}
		catch (BridgeException refused) {
			abandonQuietly(record, idempotency);
			throw refused;
		}
		complete(record, idempotency, answer.status(), body.apply(answer.value()));
		return answer.value();
	}

	/**
	 * Before the checks of a request whose change is one script (which keeps the answer
	 * itself): a repeat of one that answered gets {@link Replayed} at once, whatever has
	 * changed since (the first request passed the checks); the key used for another
	 * request is refused.
	 */
	public void replayIfKept(String record, @Nullable Idempotency idempotency) {
		if (idempotency == null) {
			return;
		}
		List<Object> kept = this.redis.opsForHash().multiGet(record, List.of("fingerprint", "state", "status", "body"));
		if (kept.get(0) == null) {
			return;
		}
		if (!idempotency.fingerprint().equals(kept.get(0))) {
			ScriptOutcome.refuseOrReplay(new ScriptResult(List.of("idempotency-key-reused")), "", "");
		}
		if ("done".equals(kept.get(1))) {
			throw new Replayed(Integer.parseInt(String.valueOf(kept.get(2))),
					(kept.get(3) != null) ? String.valueOf(kept.get(3)) : "");
		}
		ScriptOutcome.refuseOrReplay(new ScriptResult(List.of("idempotency-key-in-progress", 1000L)), "", "");
	}

	private void abandonQuietly(String record, Idempotency idempotency) {
		try {
			abandon(record, idempotency);
		}
		catch (RuntimeException ex) {
			// Its lease runs out by itself; a repeat then takes it over.
			logger.debug("Could not free an Idempotency-Key after a refusal: {}", ex.getMessage());
		}
	}

	/**
	 * A request begun: what it acts with, and whether it takes over an earlier attempt
	 * that stopped before it answered.
	 */
	public record Attempt(String chosen, boolean takeover) {
	}

	/** What a request answers: the value and its HTTP status. */
	public record Answer<T>(T value, int status) {
	}

}
