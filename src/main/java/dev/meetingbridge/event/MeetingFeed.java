package dev.meetingbridge.event;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;
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
 * Redis may also lose acknowledged writes (a failover to a replica that lacked them, a
 * restore): the meeting's history then goes back, and new events reuse sequence numbers
 * that listeners were already given. The feed also knows the last event it handed on, so
 * every catch-up first checks that the history still holds that event; a history that
 * ends before it, or holds another event under its sequence, is proof of such a loss. The
 * meeting then gets a new epoch (so that {@code (epoch, sequence)} never names two
 * events) and the listeners are told to resynchronise; an event of an epoch the feed did
 * not expect (another instance reset it) does the same. A meeting that vanished (Redis
 * restarted empty) resynchronises them too, and they learn it is gone when they reload.
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

	/**
	 * Epochs remembered after the feed left them, so that their late events are stale.
	 */
	private static final int PAST_EPOCHS = 8;

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

	/** The epoch of the events handed on; empty until known. */
	private String epoch = "";

	/**
	 * The last event handed on, as Redis recorded it, so that a catch-up can check the
	 * history still holds it; null when none was handed on since the feed last moved.
	 */
	private @Nullable String lastJson;

	private final Deque<String> pastEpochs = new ArrayDeque<>();

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
	 * The meeting ended or is gone: a later event of another epoch with sequence 1
	 * belongs to a new meeting of the same id.
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
	void start(FeedHistory.Page baseline) {
		synchronized (this) {
			this.last = baseline.latest();
			this.epoch = baseline.epoch();
			this.ended = !baseline.exists();
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
			if (this.closed || !take(received)) {
				return;
			}
		}
		this.statistics.jumped();
		this.repairs.execute(this::repairInBackground);
	}

	/**
	 * Holding the lock: hands the event on, holds it back or drops it; true when a
	 * catch-up must start.
	 */
	private boolean take(ReceivedEvent received) {
		String eventEpoch = received.event().epoch();
		long sequence = received.event().sequence();
		if (!eventEpoch.equals(this.epoch)) {
			if (this.pastEpochs.contains(eventEpoch)) {
				// Published before the feed moved on to the epoch it has now.
				return false;
			}
			if (!this.epoch.isEmpty() && !(this.ended && sequence == 1)) {
				// Another instance gave the meeting a new epoch: the history now holds
				// only that epoch's events, and the catch-up goes on from there.
				return catchUpLater();
			}
			// The meeting's first epoch, or a new meeting under the id of one that ended:
			// nothing handed on came from another history.
			adopt(eventEpoch, sequence - 1);
		}
		if (!this.repairing && sequence == this.last + 1 && this.pending.isEmpty()) {
			deliver(received);
			return false;
		}
		if (this.last >= 0 && sequence <= this.last) {
			// Seen already (a repair read it first), or a sequence reused after Redis
			// lost what carried it before: unless it is the last one handed on,
			// unchanged, a catch-up checks that the history still holds what was handed
			// on, and moves to a new epoch if not. While one runs, it is dropped.
			boolean same = sequence == this.last && received.json().equals(this.lastJson);
			return !same && !this.repairing && this.lastJson != null && catchUpLater();
		}
		this.pending.put(sequence, received);
		if (this.pending.size() > MOST_PENDING) {
			// Too far behind to hold on: give up on the gap.
			lostForGood(this.pending.lastKey());
			this.statistics.resynced(this.meetingId);
			return false;
		}
		if (this.repairing) {
			return false;
		}
		drain();
		return !this.pending.isEmpty() && catchUpLater();
	}

	/**
	 * Holding the lock: asks for a catch-up; true when the caller must start one, false
	 * when one runs (it goes round once more).
	 */
	private boolean catchUpLater() {
		if (this.repairing) {
			this.catchUpAgain = true;
			return false;
		}
		this.repairing = true;
		return true;
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
		}
		verify();
	}

	/**
	 * Catches up with the history and checks it still holds what was handed on (after
	 * Redis may have changed under the feed, e.g. a new master).
	 */
	void verify() {
		synchronized (this) {
			if (this.closed || !catchUpLater()) {
				return;
			}
		}
		this.statistics.resubscribed();
		this.repairs.execute(this::repairInBackground);
	}

	/**
	 * The pub/sub link has been down too long to wait: the listeners' clients reconnect
	 * and reload; the feed catches up when the link is back.
	 */
	void linkLost() {
		synchronized (this) {
			if (!this.closed) {
				tellLost();
			}
		}
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
	 * Reads the history from the last delivered event on until nothing is missing: up to
	 * the first held-back event, or up to the meeting's latest sequence when catching up.
	 * The first event read is the last one handed on, which proves the history still
	 * holds what listeners were given.
	 */
	private void repair(boolean retry) {
		long filled = 0;
		boolean resynced = false;
		while (!this.closed) {
			long after;
			String seenEpoch;
			boolean check;
			synchronized (this) {
				this.catchUpAgain = false;
				after = this.last;
				seenEpoch = this.epoch;
				check = this.lastJson != null && after > 0;
			}
			FeedHistory.Page page = read(() -> this.history.after(this.meetingId, check ? after - 1 : after, PAGE),
					retry);
			if (page == null) {
				return;
			}
			boolean wentBack = false;
			synchronized (this) {
				if (this.closed) {
					return;
				}
				if (this.last == after && this.epoch.equals(seenEpoch)) {
					if (!page.exists()) {
						resynced |= gone();
					}
					else if (!page.epoch().equals(this.epoch)) {
						if (this.epoch.isEmpty() || this.ended) {
							adopt(page.epoch(), 0);
						}
						else {
							// Another instance gave the meeting a new epoch.
							moveTo(page.epoch(), page.latest());
							resynced = true;
						}
					}
					else if (page.latest() < after || (check && !holdsLast(page))) {
						wentBack = true;
					}
					else {
						List<ReceivedEvent> events = page.events();
						if (check && !events.isEmpty() && events.get(0).event().sequence() == after) {
							events = events.subList(1, events.size());
						}
						if (firstMissing(page.latest(), events)) {
							// Trimmed past the gap: what was missed is no longer
							// recorded.
							lostForGood(Math.max(page.latest(), this.pending.isEmpty() ? 0 : this.pending.lastKey()));
							resynced = true;
						}
						else {
							for (ReceivedEvent event : events) {
								long sequence = event.event().sequence();
								if (sequence > this.last && this.pending.putIfAbsent(sequence, event) == null) {
									filled++;
								}
							}
							drain();
						}
					}
				}
			}
			if (wentBack) {
				FeedHistory.Page now = read(() -> this.history.resetEpoch(this.meetingId, seenEpoch), retry);
				if (now == null) {
					return;
				}
				synchronized (this) {
					if (this.last == after && this.epoch.equals(seenEpoch)) {
						if (now.exists()) {
							logger.warn(
									"The history of meeting {} went back (Redis lost acknowledged writes): "
											+ "it is now at {} of epoch {} where {} of epoch {} was delivered; its "
											+ "subscribers here reload it",
									this.meetingId, now.latest(), now.epoch(), after, seenEpoch);
							this.statistics.reset(this.meetingId);
							moveTo(now.epoch(), now.latest());
						}
						else {
							gone();
						}
						resynced = true;
					}
				}
			}
			synchronized (this) {
				boolean behind = !this.pending.isEmpty()
						|| (page.exists() && page.latest() > this.last && page.epoch().equals(this.epoch));
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
	 * A read of the history, retried while Redis is away when {@code retry}; null when
	 * the feed closed or the thread was interrupted meanwhile.
	 */
	private FeedHistory.@Nullable Page read(java.util.function.Supplier<FeedHistory.Page> read, boolean retry) {
		while (!this.closed) {
			try {
				return read.get();
			}
			catch (DataAccessException ex) {
				if (!retry) {
					throw ex;
				}
				logger.debug("Could not read the history of meeting {} to catch up: {}", this.meetingId,
						ex.getMessage());
				if (!waitBeforeRetrying()) {
					return null;
				}
			}
		}
		return null;
	}

	/**
	 * Holding the lock: the page, read from the sequence before the last handed on,
	 * begins with that event as it was handed on.
	 */
	private boolean holdsLast(FeedHistory.Page page) {
		List<ReceivedEvent> events = page.events();
		if (events.isEmpty() || events.get(0).event().sequence() != this.last) {
			// Not recorded any more (trimmed): nothing to compare with; a gap, if any, is
			// found below.
			return events.isEmpty() || events.get(0).event().sequence() > this.last;
		}
		return events.get(0).json().equals(this.lastJson);
	}

	/**
	 * Holding the lock: the events, from after the last handed on, do not begin with the
	 * next one although one is missing.
	 */
	private boolean firstMissing(long latest, List<ReceivedEvent> events) {
		boolean missing = latest > this.last || !this.pending.isEmpty();
		return missing && (events.isEmpty() || events.get(0).event().sequence() > this.last + 1);
	}

	/**
	 * Holding the lock: the meeting is gone (removed after it ended, or lost by Redis).
	 * Listeners are told unless it had ended (then they learnt it already); true when
	 * they were.
	 */
	private boolean gone() {
		boolean tell = !this.ended;
		if (tell) {
			logger.warn("Meeting {} is gone from Redis although it had not ended: its subscribers here reload it",
					this.meetingId);
		}
		this.pending.clear();
		retire();
		this.epoch = "";
		this.last = 0;
		this.lastJson = null;
		this.ended = true;
		if (tell) {
			tellLost();
		}
		return tell;
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
			if (first.getKey() <= this.last) {
				this.pending.pollFirstEntry();
			}
			else if (first.getKey() == this.last + 1) {
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
	private void lostForGood(long latest) {
		this.pending.clear();
		this.last = latest;
		this.lastJson = null;
		tellLost();
	}

	/**
	 * Holding the lock: the meeting has a new epoch, and the feed goes on from its newest
	 * event; the listeners must have their clients start over.
	 */
	private void moveTo(String newEpoch, long latest) {
		adopt(newEpoch, latest);
		tellLost();
	}

	/**
	 * Holding the lock: takes an epoch on without telling anyone (nothing handed on came
	 * from another history).
	 */
	private void adopt(String newEpoch, long last) {
		this.pending.clear();
		retire();
		this.epoch = newEpoch;
		this.last = last;
		this.lastJson = null;
	}

	private void retire() {
		if (!this.epoch.isEmpty() && !this.pastEpochs.contains(this.epoch)) {
			this.pastEpochs.addLast(this.epoch);
			if (this.pastEpochs.size() > PAST_EPOCHS) {
				this.pastEpochs.removeFirst();
			}
		}
	}

	private void tellLost() {
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
	 * Holding the lock. A listener that fails to take the event is told to resynchronise
	 * its clients: they must not go on as if they had it.
	 */
	private void deliver(ReceivedEvent received) {
		this.last = received.event().sequence();
		this.lastJson = received.json();
		if (this.epoch.isEmpty()) {
			this.epoch = received.event().epoch();
		}
		this.ended = received.type() == EventType.MEETING_ENDED;
		for (EventRelay.Listener listener : this.listeners) {
			try {
				listener.onEvent(received);
			}
			catch (RuntimeException ex) {
				logger.error("Delivering event {} of meeting {} failed; its subscribers here reload the meeting",
						received.event().sequence(), this.meetingId, ex);
				try {
					listener.onLost(this.meetingId);
				}
				catch (RuntimeException again) {
					logger.error("A listener failed to resynchronise meeting {}", this.meetingId, again);
				}
			}
		}
	}

}
