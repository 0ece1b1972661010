package dev.meetingbridge.webhook;

import java.time.Duration;

import dev.meetingbridge.periodic.Backoff;
import org.jspecify.annotations.Nullable;

/**
 * The wait between attempts to deliver a meeting's next event: the {@link Backoff} from
 * {@code min} to {@code max}, or a 429's Retry-After when it says more (still at most
 * {@code max}).
 */
record RetryBackoff(Duration min, Duration max) {

	Duration after(long attempt, @Nullable Duration retryAfter) {
		return delay(attempt, retryAfter, this.min, this.max);
	}

	static Duration delay(long attempt, @Nullable Duration retryAfter, Duration backoffMin, Duration backoffMax) {
		long max = backoffMax.toMillis();
		long delay = new Backoff(backoffMin, backoffMax).delayMillis(attempt);
		if (retryAfter != null) {
			delay = Math.max(delay, retryAfter.toMillis());
		}
		return Duration.ofMillis(Math.min(max, delay));
	}

}
