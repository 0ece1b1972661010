package dev.meetingbridge.periodic;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next try of work that keeps failing: the wait before try n
 * + 1 is drawn from the upper half of {@code first} x 2^(n-1), at most {@code most}. The
 * draw spreads out the retries of everything that failed at the same moment (the feeds of
 * every meeting when Redis went away, the deliveries to one webhook endpoint), so that
 * they do not all come back at once.
 *
 * @param first the ceiling of the first wait
 * @param most the ceiling of every wait
 */
public record Backoff(Duration first, Duration most) {

	/**
	 * The wait after {@code failures} failures in a row (1 for the first), in
	 * milliseconds.
	 */
	public long delayMillis(long failures) {
		long max = this.most.toMillis();
		long ceiling = this.first.toMillis() << Math.min(30, Math.max(0, failures - 1));
		ceiling = (ceiling <= 0) ? max : Math.min(max, ceiling);
		return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
	}

}
