package dev.meetingbridge.event;

import java.util.concurrent.Executor;

/**
 * One meeting's events on their way to this instance's listener, exactly once and in
 * sequence order. Redis pub/sub delivers at most once: a dropped or replaced connection
 * loses what was published meanwhile. An event that jumps ahead of what was handed on
 * ({@link FeedOrder}) waits while the missing range is read from the meeting's history
 * ({@link FeedRepair}), and a re-subscribe of the channel (which follows every reconnect)
 * makes the feed catch up with the history even if the meeting stays quiet. If the
 * history no longer reaches back far enough, the listener is told to resynchronise its
 * clients.
 * <p>
 * Redis may also lose acknowledged writes (a failover to a replica that lacked them, a
 * restore): the history then goes back, and new events reuse sequence numbers the
 * listener was already given. Every catch-up first checks that the history still holds
 * the last event handed on; a history that ends before it, or holds another event under
 * its sequence, is proof of such a loss. The meeting then gets a new epoch (so that
 * {@code (epoch, sequence)} never names two events) and the listener is told to
 * resynchronise; an event of an epoch the feed did not expect (another instance reset it)
 * does the same. A meeting that vanished (Redis restarted empty) resynchronises it too,
 * and its clients learn the meeting is gone when they reload.
 * <p>
 * On the normal path (the next sequence arrives) nothing is read from Redis. The listener
 * is called holding the feed's lock, one event at a time; it must not block.
 */
final class MeetingFeed {

	private final String meetingId;

	private final Executor repairs;

	private final FeedStatistics statistics;

	private final FeedRepair repair;

	private final FeedOrder order;

	/** A repair (or the first catch-up) reads the history; events wait meanwhile. */
	private boolean repairing = true;

	/** A re-subscribe arrived while repairing: catch up once more when done. */
	private boolean catchUpAgain;

	/** Confirmations of the channel's first subscription, which are no re-subscribe. */
	private int expectedConfirmations;

	private volatile boolean closed;

	MeetingFeed(String meetingId, EventRelay.Listener listener, FeedHistory history, Executor repairs,
			FeedStatistics statistics) {
		this.meetingId = meetingId;
		this.repairs = repairs;
		this.statistics = statistics;
		this.order = new FeedOrder(meetingId, listener, statistics);
		this.repair = new FeedRepair(this, history, statistics);
	}

	String meetingId() {
		return this.meetingId;
	}

	/** From now on the events go to this listener. */
	void listenWith(EventRelay.Listener listener) {
		this.order.listenWith(listener);
	}

	boolean listensWith(EventRelay.Listener listener) {
		return this.order.listensWith(listener);
	}

	/**
	 * Where the meeting stands before its channel is subscribed: what comes later is
	 * either delivered by pub/sub or found by {@link #settle()}.
	 */
	synchronized void start(FeedHistory.Page baseline) {
		this.order.position().start(baseline);
	}

	/** The channel is about to be subscribed: its confirmation is no re-subscribe. */
	synchronized void expectConfirmation() {
		this.expectedConfirmations++;
	}

	/**
	 * Once the channel is subscribed: reads what was published between {@link #start} and
	 * the subscription, so that nothing published before the listener started is owed to
	 * it. Blocks on Redis, and throws if Redis fails.
	 */
	void settle() {
		this.repair.run(false);
	}

	/** An event from pub/sub. */
	void accept(ReceivedEvent received) {
		synchronized (this) {
			if (this.closed || !take(received)) {
				return;
			}
		}
		this.statistics.jumped();
		this.repairs.execute(() -> this.repair.run(true));
	}

	/**
	 * Holding the lock: hands the event on, holds it back or drops it; true when a
	 * catch-up must start.
	 */
	private boolean take(ReceivedEvent received) {
		FeedPosition position = this.order.position();
		String eventEpoch = received.event().epoch();
		long sequence = received.event().sequence();
		if (!eventEpoch.equals(position.epoch())) {
			if (position.left(eventEpoch)) {
				return false;
			}
			if (!position.epoch().isEmpty() && !(position.ended() && sequence == 1)) {
				// Another instance gave the meeting a new epoch: the history now holds
				// only that epoch's events, and the catch-up goes on from there.
				return catchUpLater();
			}
			// The meeting's first epoch, or a new meeting under the id of one that ended:
			// nothing handed on came from another history.
			this.order.adopt(eventEpoch, sequence - 1);
		}
		if (!this.repairing && sequence == position.last() + 1 && !this.order.waiting()) {
			this.order.deliver(received);
			return false;
		}
		if (position.last() >= 0 && sequence <= position.last()) {
			// Seen already (a repair read it first), or a sequence reused after Redis
			// lost what carried it before: unless it is the last one handed on,
			// unchanged, a catch-up checks that the history still holds what was handed
			// on, and moves to a new epoch if not. While one runs, it is dropped.
			return !position.isLast(received) && !this.repairing && position.knowsLast() && catchUpLater();
		}
		if (!this.order.holdBack(received) || this.repairing) {
			return false;
		}
		this.order.drain();
		return this.order.waiting() && catchUpLater();
	}

	/**
	 * Holding the lock: true when the caller must start a catch-up, false when one runs
	 * (it goes round once more).
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
	 * Catches up with the history and checks it still holds what was handed on (Redis may
	 * have changed under the feed, e.g. a new master).
	 */
	void verify() {
		synchronized (this) {
			if (this.closed || !catchUpLater()) {
				return;
			}
		}
		this.statistics.resubscribed();
		this.repairs.execute(() -> this.repair.run(true));
	}

	/**
	 * The pub/sub link has been down too long to wait: the listener's clients reconnect
	 * and reload; the feed catches up when the link is back.
	 */
	synchronized void linkLost() {
		if (!this.closed) {
			this.order.tellLost();
		}
	}

	void close() {
		this.closed = true;
	}

	boolean closed() {
		return this.closed;
	}

	/** A round of a catch-up starts from where the feed stands now. */
	synchronized FeedRepair.Round nextRound() {
		this.catchUpAgain = false;
		FeedPosition position = this.order.position();
		return new FeedRepair.Round(position.last(), position.epoch(), position.knowsLast() && position.last() > 0);
	}

	/**
	 * Takes in a page of the history read for the round, unless the feed closed or moved
	 * meanwhile; true when the history went back before what was handed on.
	 */
	synchronized boolean fill(FeedRepair.Round round, FeedHistory.Page page, FeedRepair.Tally tally) {
		return !this.closed && unmoved(round) && this.order.fill(round, page, tally);
	}

	/**
	 * The history went back; {@code now} is where the meeting stands after its epoch was
	 * reset.
	 */
	synchronized void wentBack(FeedRepair.Round round, FeedHistory.Page now, FeedRepair.Tally tally) {
		if (!this.closed && unmoved(round)) {
			this.order.wentBack(round, now);
			tally.resynced = true;
		}
	}

	/**
	 * Ends the repair unless something is still missing after the page; true when it
	 * ended.
	 */
	synchronized boolean caughtUp(FeedHistory.Page page) {
		if (this.order.behind(page) || this.catchUpAgain) {
			return false;
		}
		this.repairing = false;
		return true;
	}

	/** Holding the lock: nothing moved the feed since the round started. */
	private boolean unmoved(FeedRepair.Round round) {
		FeedPosition position = this.order.position();
		return position.last() == round.after() && position.epoch().equals(round.epoch());
	}

}
