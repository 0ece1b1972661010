package dev.meetingbridge.webhook;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Exponential back-off with jitter between attempts to deliver a meeting's next event:
 * before attempt n + 1, between half and all of {@code min} x 2^(n-1), at most
 * {@code max}; a 429's Retry-After when it says more (still at most {@code max}).
 */
record RetryBackoff(Duration min, Duration max) {

	Duration after(long attempt, @Nullable Duration retryAfter) {
		return delay(attempt, retryAfter, this.min, this.max);
	}

	static Duration delay(long attempt, @Nullable Duration retryAfter, Duration backoffMin, Duration backoffMax) {
		long min = backoffMin.toMillis();
		long max = backoffMax.toMillis();
		long base = min << Math.min(30, Math.max(0, attempt - 1));
		base = Math.min(max, (base <= 0) ? max : base);
		long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
		if (retryAfter != null) {
			delay = Math.max(delay, retryAfter.toMillis());
		}
		return Duration.ofMillis(Math.min(max, delay));
	}

}
