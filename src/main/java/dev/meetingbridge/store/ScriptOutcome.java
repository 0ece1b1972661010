package dev.meetingbridge.store;

import java.time.Duration;
import java.util.List;

import dev.meetingbridge.idempotency.Replayed;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;

import org.springframework.dao.QueryTimeoutException;

/**
 * What a script's answer means beyond the script's own refusals, shared by the meeting
 * scripts and the idempotency record scripts: it started too late, or it answered for an
 * {@code Idempotency-Key}.
 */
final class ScriptOutcome {

	private ScriptOutcome() {
	}

	/**
	 * Throws what the answer means when it is one of these; returns for any other.
	 * @param what the script, for the message of one that started too late
	 * @param where what it ran for (a meeting)
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
