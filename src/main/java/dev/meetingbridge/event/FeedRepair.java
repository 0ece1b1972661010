package dev.meetingbridge.event;

import java.time.Duration;
import java.util.function.Supplier;

import dev.meetingbridge.periodic.Backoff;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * Catches a feed up with its meeting's history: reads from the last event handed on until
 * nothing is missing (up to the first held-back event, or up to the meeting's latest
 * sequence), a page at a time. The first event read is the last one handed on, which
 * proves the history still holds what the listener was given; when it does not, the
 * meeting gets a new epoch. While Redis does not answer, a repair in the background tries
 * again after a {@link Backoff}; the first catch-up of a new feed fails at once instead,
 * so that whoever started it learns.
 */
final class FeedRepair {

	private static final Logger logger = LoggerFactory.getLogger(FeedRepair.class);

	/** History read per round trip. */
	static final int PAGE = 500;

	/** The shortest wait before reading the history again after Redis failed. */
	static final Duration FIRST_RETRY = Duration.ofMillis(250);

	/** The longest wait between two attempts while Redis stays away. */
	static final Duration LONGEST_RETRY = Duration.ofSeconds(10);

	private final MeetingFeed feed;

	private final FeedHistory history;

	private final FeedStatistics statistics;

	private final Backoff backoff = new Backoff(FIRST_RETRY, LONGEST_RETRY);

	/** Failed reads in a row (reads run on one thread at a time). */
	private long failures;

	/** What a repair found so far. */
	static final class Tally {

		long filled;

		boolean resynced;

	}

	/**
	 * Where a catch-up round starts: the position it read, and whether it checks that the
	 * history still holds the last event handed on.
	 */
	record Round(long after, String epoch, boolean check) {

		/**
		 * The sequence to read after: the one before the last handed on when checking it.
		 */
		long from() {
			return this.check ? this.after - 1 : this.after;
		}

	}

	FeedRepair(MeetingFeed feed, FeedHistory history, FeedStatistics statistics) {
		this.feed = feed;
		this.history = history;
		this.statistics = statistics;
	}

	/**
	 * Repairs until the feed has caught up or is closed; with {@code retry}, reads that
	 * fail are tried again, otherwise they throw. The feed runs one repair at a time.
	 */
	void run(boolean retry) {
		Tally tally = new Tally();
		try {
			repair(tally, retry);
		}
		finally {
			// Also when the repair ended the feed: a resync that closed every
			// session here leaves nothing listening, and the feed closes before
			// the repair returns.
			if (tally.filled > 0) {
				this.statistics.filled(this.feed.meetingId(), tally.filled);
			}
			if (tally.resynced) {
				this.statistics.resynced(this.feed.meetingId());
			}
		}
	}

	private void repair(Tally tally, boolean retry) {
		String meetingId = this.feed.meetingId();
		while (!this.feed.closed()) {
			Round round = this.feed.nextRound();
			FeedHistory.Page page = read(() -> this.history.after(meetingId, round.from(), PAGE), retry);
			if (page == null) {
				return;
			}
			if (this.feed.fill(round, page, tally)) {
				FeedHistory.Page now = read(() -> this.history.resetEpoch(meetingId, round.epoch()), retry);
				if (now == null) {
					return;
				}
				this.feed.wentBack(round, now, tally);
			}
			if (this.feed.closed()) {
				return;
			}
			if (this.feed.caughtUp(page)) {
				return;
			}
		}
	}

	/**
	 * A read of the history, tried again while Redis is away when {@code retry}; null
	 * when the feed closed or the thread was interrupted meanwhile.
	 */
	private FeedHistory.@Nullable Page read(Supplier<FeedHistory.Page> read, boolean retry) {
		while (!this.feed.closed()) {
			try {
				FeedHistory.Page page = read.get();
				this.failures = 0;
				return page;
			}
			catch (DataAccessException ex) {
				if (!retry) {
					throw ex;
				}
				long delay = this.backoff.delayMillis(++this.failures);
				logger.debug("Could not read the history of meeting {} to catch up ({}); trying again in {} ms",
						this.feed.meetingId(), ex.getMessage(), delay);
				if (!pause(delay)) {
					return null;
				}
			}
		}
		return null;
	}

	private static boolean pause(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
