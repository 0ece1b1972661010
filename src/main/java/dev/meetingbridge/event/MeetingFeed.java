package dev.meetingbridge.event;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * One meeting's events on their way to this instance's listeners, exactly once and in
 * sequence order. Redis pub/sub delivers at most once: a dropped or replaced connection
 * loses what was published meanwhile. The feed knows the last sequence it handed on; an
 * event that jumps ahead waits while the missing range is read from the meeting's
 * history, and a re-subscribe of the channel (which follows every reconnect) makes it
 * catch up with the history even if the meeting stays quiet. If the history no longer
 * reaches back far enough, the listeners are told to resynchronise their clients.
 * <p>
 * On the normal path (the next sequence arrives) nothing is read from Redis. Listeners
 * are called holding the feed's lock, one event at a time; they must not block.
 */
final class MeetingFeed {

	private static final Logger logger = LoggerFactory.getLogger(MeetingFeed.class);

	/**
	 * Events held back while a gap is open; more than this is given up on (the clients
	 * resync).
	 */
	static final int MOST_PENDING = 10_000;

	/** History read per round trip while repairing. */
	static final int PAGE = 500;

	private static final long RETRY_MILLIS = 1_000;

	private final String meetingId;

	private final List<EventRelay.Listener> listeners = new CopyOnWriteArrayList<>();

	private final FeedHistory history;

	private final Executor repairs;

	private final FeedStatistics statistics;

	/**
	 * The last sequence handed to the listeners; -1 until the feed knows where the
	 * meeting stands.
	 */
	private long last = -1;

	/** Events that arrived ahead of a gap, by sequence. */
	private final TreeMap<Long, ReceivedEvent> pending = new TreeMap<>();

	/**
	 * A repair (or the initial catch-up) is reading the history; events wait in
	 * {@link #pending}.
	 */
	private boolean repairing = true;

	/** A re-subscribe arrived while repairing: catch up once more when done. */
	private boolean catchUpAgain;

	/**
	 * The meeting ended: a later event with sequence 1 belongs to a new meeting of the
	 * same id.
	 */
	private boolean ended;

	/** Confirmations of the channel's first subscription, which are no re-subscribe. */
	private int expectedConfirmations;

	/** Completes once the feed is live: its channel subscribed and the feed caught up. */
	private final CompletableFuture<Void> live = new CompletableFuture<>();

	private volatile boolean closed;

	MeetingFeed(String meetingId, FeedHistory history, Executor repairs, FeedStatistics statistics) {
		this.meetingId = meetingId;
		this.history = history;
		this.repairs = repairs;
		this.statistics = statistics;
	}

	String meetingId() {
		return this.meetingId;
	}

	List<EventRelay.Listener> listeners() {
		return this.listeners;
	}

	/**
	 * Where the meeting stands before its channel is subscribed: what comes later is
	 * either delivered by pub/sub or found by {@link #settle()}.
	 */
	void start(long baseline) {
		synchronized (this) {
			this.last = baseline;
		}
	}

	/**
	 * Called once the channel is subscribed: reads what was published between
	 * {@link #start} and the subscription (so that nothing published before it returns is
	 * owed to a later subscriber), then goes live. Blocks on Redis, and throws if Redis
	 * fails.
	 */
	void settle() {
		repair(false);
		this.live.complete(null);
	}

	/**
	 * The channel is about to be subscribed for the first time: its confirmation is no
	 * re-subscribe.
	 */
	synchronized void expectConfirmation() {
		this.expectedConfirmations++;
	}

	/**
	 * Waits until the listener that started the feed has it live; throws what made that
	 * fail.
	 */
	void awaitLive() {
		try {
			this.live.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
	}

	/** Starting the feed failed: it is closed, and whoever waits for it learns why. */
	void failed(RuntimeException cause) {
		close();
		this.live.completeExceptionally(cause);
	}

	/** An event from pub/sub. */
	void accept(ReceivedEvent received) {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			long sequence = received.event().sequence();
			if (!this.repairing && sequence == this.last + 1 && this.pending.isEmpty()) {
				deliver(received);
				return;
			}
			if (this.last >= 0 && sequence <= this.last && !startsAgain(received)) {
				return;
			}
			this.pending.put(sequence, received);
			if (this.pending.size() > MOST_PENDING) {
				// Too far behind to hold on: give up on the gap.
				resync(this.pending.lastKey());
				this.statistics.resynced(this.meetingId);
				return;
			}
			if (this.repairing) {
				return;
			}
			drain();
			if (this.pending.isEmpty()) {
				return;
			}
			this.repairing = true;
		}
		this.statistics.jumped();
		this.repairs.execute(this::repairInBackground);
	}

	/**
	 * The channel was subscribed again (a reconnect, a moved shard): catch up with the
	 * history.
	 */
	void resubscribed() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			if (this.expectedConfirmations > 0) {
				this.expectedConfirmations--;
				return;
			}
			if (this.repairing) {
				this.catchUpAgain = true;
				return;
			}
			this.repairing = true;
		}
		this.statistics.resubscribed();
		this.repairs.execute(this::repairInBackground);
	}

	void close() {
		this.closed = true;
	}

	/**
	 * A repair on the repair executor: retried until it succeeds or the feed is closed.
	 */
	private void repairInBackground() {
		repair(true);
	}

	/**
	 * Reads the history after the last delivered event until nothing is missing: up to
	 * the first held-back event, or up to the meeting's latest sequence when catching up.
	 */
	private void repair(boolean retry) {
		long filled = 0;
		boolean resynced = false;
		while (!this.closed) {
			long after;
			synchronized (this) {
				this.catchUpAgain = false;
				after = this.last;
			}
			FeedHistory.Page page;
			try {
				page = this.history.after(this.meetingId, after, PAGE);
			}
			catch (DataAccessException ex) {
				if (!retry) {
					throw ex;
				}
				logger.debug("Could not read the history of meeting {} to fill a gap: {}", this.meetingId,
						ex.getMessage());
				if (!waitBeforeRetrying()) {
					return;
				}
				continue;
			}
			synchronized (this) {
				if (this.closed) {
					return;
				}
				if (this.last == after) {
					if (!page.exists()) {
						// Removed after it ended: only a new meeting of the same id can
						// follow.
						this.ended = true;
						drain();
						if (!this.pending.isEmpty()) {
							resync(this.pending.lastKey());
							resynced = true;
						}
					}
					else if (page.latest() < after || firstMissing(page)) {
						// Trimmed past the gap, or the meeting was removed and created
						// again meanwhile.
						resync(Math.max(page.latest(), this.pending.isEmpty() ? 0 : this.pending.lastKey()));
						resynced = true;
					}
					else {
						for (ReceivedEvent event : page.events()) {
							long sequence = event.event().sequence();
							if (sequence > this.last && this.pending.putIfAbsent(sequence, event) == null) {
								filled++;
							}
						}
						drain();
					}
				}
				boolean behind = !this.pending.isEmpty() || (page.exists() && page.latest() > this.last);
				if (!behind && !this.catchUpAgain) {
					this.repairing = false;
					break;
				}
			}
		}
		if (filled > 0) {
			this.statistics.filled(this.meetingId, filled);
		}
		if (resynced) {
			this.statistics.resynced(this.meetingId);
		}
	}

	/**
	 * Holding the lock: the page does not begin with the next event although one is
	 * missing.
	 */
	private boolean firstMissing(FeedHistory.Page page) {
		boolean missing = page.latest() > this.last || !this.pending.isEmpty();
		List<ReceivedEvent> events = page.events();
		return missing && (events.isEmpty() || events.get(0).event().sequence() > this.last + 1);
	}

	private boolean waitBeforeRetrying() {
		try {
			Thread.sleep(RETRY_MILLIS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Holding the lock: hands on every held-back event that is next in sequence. */
	private void drain() {
		while (!this.pending.isEmpty()) {
			Map.Entry<Long, ReceivedEvent> first = this.pending.firstEntry();
			if (first.getKey() <= this.last && !startsAgain(first.getValue())) {
				this.pending.pollFirstEntry();
			}
			else if (first.getKey() == this.last + 1 || startsAgain(first.getValue())) {
				this.pending.pollFirstEntry();
				deliver(first.getValue());
			}
			else {
				return;
			}
		}
	}

	/**
	 * Holding the lock: what was missed cannot be recovered, so the listeners must have
	 * their clients start over; the feed goes on from the newest event.
	 */
	private void resync(long latest) {
		this.pending.clear();
		this.last = latest;
		for (EventRelay.Listener listener : this.listeners) {
			try {
				listener.onLost(this.meetingId);
			}
			catch (RuntimeException ex) {
				logger.error("A listener failed to resynchronise meeting {}", this.meetingId, ex);
			}
		}
	}

	/**
	 * The first event of a meeting that was removed after it ended and created again
	 * under its id.
	 */
	private boolean startsAgain(ReceivedEvent received) {
		return this.ended && received.event().sequence() == 1 && received.type() != EventType.MEETING_ENDED;
	}

	/** Holding the lock. */
	private void deliver(ReceivedEvent received) {
		this.last = received.event().sequence();
		this.ended = received.type() == EventType.MEETING_ENDED;
		for (EventRelay.Listener listener : this.listeners) {
			try {
				listener.onEvent(received);
			}
			catch (RuntimeException ex) {
				logger.error("An event listener failed for meeting {}", this.meetingId, ex);
			}
		}
	}

}
