package dev.meetingbridge.idempotency;

import org.jspecify.annotations.Nullable;

/**
 * The answer a request with the same {@code Idempotency-Key} got before, to be given
 * again byte for byte; nothing was done this time. Thrown from wherever the repeat was
 * recognised, and written by the edge (REST: the kept status and body with
 * {@code Idempotent-Replayed: true}; STOMP: a receipt, as for the first).
 */
public class Replayed extends RuntimeException {

	private final int status;

	private final String body;

	public Replayed(int status, @Nullable String body) {
		super("Replayed the answer kept for this Idempotency-Key", null, false, false);
		this.status = status;
		this.body = (body != null) ? body : "";
	}

	/** The kept HTTP status. */
	public int status() {
		return this.status;
	}

	/** The kept body, exactly as first sent ({@code ""} for none). */
	public String body() {
		return this.body;
	}

}
