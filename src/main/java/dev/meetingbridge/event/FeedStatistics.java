package dev.meetingbridge.event;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the meeting feeds repaired and gave up on, and reports it to the log once
 * per incident: a dropped Redis link touches every meeting this instance listens to, so
 * the log gets one summary line per period with something in it, not a line per meeting
 * or per event.
 */
final class FeedStatistics {

	private static final Logger logger = LoggerFactory.getLogger(EventRelay.class);

	private final Counter repairs;

	private final Counter filled;

	private final Counter resyncs;

	private final Counter resets;

	private final AtomicLong resubscribedSinceReport = new AtomicLong();

	private final AtomicLong jumpsSinceReport = new AtomicLong();

	private final AtomicLong repairsSinceReport = new AtomicLong();

	private final AtomicLong filledSinceReport = new AtomicLong();

	private final AtomicLong resyncsSinceReport = new AtomicLong();

	private final AtomicLong resetsSinceReport = new AtomicLong();

	FeedStatistics(MeterRegistry meters) {
		this.repairs = Counter.builder("bridge.events.gap.repairs")
			.description("Gaps in a meeting's events (after a dropped or replaced Redis pub/sub link) "
					+ "filled from its history")
			.register(meters);
		this.filled = Counter.builder("bridge.events.gap.filled")
			.description("Events read from a meeting's history to fill a gap, then delivered")
			.register(meters);
		this.resyncs = Counter.builder("bridge.events.resyncs")
			.description(
					"Gaps the history no longer covered: the meeting's local subscribers were closed with 4000 resync")
			.register(meters);
		this.resets = Counter.builder("bridge.events.history.resets")
			.description("Meetings whose history went back (Redis lost acknowledged writes) and which this instance "
					+ "gave a new epoch")
			.register(meters);
	}

	/** A channel was subscribed again and its meeting is being caught up. */
	void resubscribed() {
		this.resubscribedSinceReport.incrementAndGet();
	}

	/** An event arrived ahead of the next sequence. */
	void jumped() {
		this.jumpsSinceReport.incrementAndGet();
	}

	void filled(String meetingId, long events) {
		this.repairs.increment();
		this.filled.increment(events);
		this.repairsSinceReport.incrementAndGet();
		this.filledSinceReport.addAndGet(events);
		logger.debug("Filled {} missed events of meeting {} from its history", events, meetingId);
	}

	void resynced(String meetingId) {
		this.resyncs.increment();
		this.resyncsSinceReport.incrementAndGet();
		logger.debug("Meeting {} missed events its history no longer holds", meetingId);
	}

	/** The meeting's history went back and this instance gave it a new epoch. */
	void reset(String meetingId) {
		this.resets.increment();
		this.resetsSinceReport.incrementAndGet();
	}

	/** Logs what happened since the last report, if anything did. */
	void report() {
		long resubscribed = this.resubscribedSinceReport.getAndSet(0);
		long jumps = this.jumpsSinceReport.getAndSet(0);
		long repaired = this.repairsSinceReport.getAndSet(0);
		long events = this.filledSinceReport.getAndSet(0);
		long resynced = this.resyncsSinceReport.getAndSet(0);
		long reset = this.resetsSinceReport.getAndSet(0);
		if (repaired > 0 || resynced > 0 || jumps > 0 || reset > 0) {
			logger.info(
					"Redis pub/sub gaps: {} meeting channels re-subscribed, {} sequence jumps; {} gaps filled "
							+ "with {} events from the history, {} meetings resynchronised, {} given a new epoch "
							+ "because their history went back",
					resubscribed, jumps, repaired, events, resynced, reset);
		}
		else if (resubscribed > 0) {
			logger.info("Redis pub/sub link re-subscribed to {} meeting channels; nothing was missed", resubscribed);
		}
	}

}
