package dev.meetingbridge.event;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying Redis again: twice as long after each failure, up to a
 * cap, each wait drawn at random from its upper half so that the feeds of every meeting
 * that lost Redis at the same moment do not all come back at once. A success starts over
 * from the shortest wait. Used by one thread at a time.
 */
final class Backoff {

	private final long firstMillis;

	private final long mostMillis;

	private long nextMillis;

	Backoff(Duration first, Duration most) {
		this.firstMillis = first.toMillis();
		this.mostMillis = most.toMillis();
		this.nextMillis = this.firstMillis;
	}

	/** The wait after one more failure, in milliseconds. */
	long nextDelayMillis() {
		long ceiling = this.nextMillis;
		this.nextMillis = Math.min(this.mostMillis, ceiling * 2);
		return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
	}

	/** Redis answered: the next failure waits the shortest time again. */
	void reset() {
		this.nextMillis = this.firstMillis;
	}

}
