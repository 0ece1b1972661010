package dev.meetingbridge.webhook;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * At most one log line per interval for one kind of occurrence (a dropped event, an
 * events-skipped notice): the first one of an interval is logged with how many went
 * unlogged since the last line, the others are only counted. A receiver that refuses
 * everything, or a meeting far behind, cannot flood the log; the metrics count each.
 */
final class QuietLog {

	private final Clock clock;

	private final long intervalMillis;

	private final AtomicLong nextAt = new AtomicLong();

	private final AtomicLong unlogged = new AtomicLong();

	QuietLog(Clock clock, long intervalMillis) {
		this.clock = clock;
		this.intervalMillis = intervalMillis;
	}

	/** Logs through {@code line} (given how many went unlogged before) or counts. */
	void note(Consumer<Long> line) {
		long now = this.clock.millis();
		long due = this.nextAt.get();
		if (now >= due && this.nextAt.compareAndSet(due, now + this.intervalMillis)) {
			line.accept(this.unlogged.getAndSet(0));
		}
		else {
			this.unlogged.incrementAndGet();
		}
	}

}
