package dev.meetingbridge.event;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a feed has handed its listener and what waits for a gap to close: its
 * {@link FeedPosition}, the events that arrived ahead of it, and the listener itself.
 * Events are handed on strictly in sequence; when the history shows the feed cannot go on
 * where it stands, the listener is told to resynchronise its clients. Not thread-safe:
 * its {@link MeetingFeed}'s lock guards it.
 */
final class FeedOrder {

	private static final Logger logger = LoggerFactory.getLogger(FeedOrder.class);

	/** Events held back while a gap is open; beyond this, the clients resync. */
	static final int MOST_PENDING = 10_000;

	private final String meetingId;

	private final FeedStatistics statistics;

	private volatile EventRelay.Listener listener;

	private final FeedPosition position = new FeedPosition();

	/** Events that arrived ahead of a gap, by sequence. */
	private final TreeMap<Long, ReceivedEvent> pending = new TreeMap<>();

	FeedOrder(String meetingId, EventRelay.Listener listener, FeedStatistics statistics) {
		this.meetingId = meetingId;
		this.listener = listener;
		this.statistics = statistics;
	}

	FeedPosition position() {
		return this.position;
	}

	void listenWith(EventRelay.Listener listener) {
		this.listener = listener;
	}

	boolean listensWith(EventRelay.Listener listener) {
		return this.listener == listener;
	}

	boolean waiting() {
		return !this.pending.isEmpty();
	}

	/** Whether the page shows events of the current epoch beyond what was handed on. */
	boolean behind(FeedHistory.Page page) {
		return !this.pending.isEmpty() || (page.exists() && page.latest() > this.position.last()
				&& page.epoch().equals(this.position.epoch()));
	}

	/**
	 * Holds an event back until the gap before it closes; when too many wait, gives up on
	 * the gap (the clients resync) and returns false.
	 */
	boolean holdBack(ReceivedEvent received) {
		this.pending.put(received.event().sequence(), received);
		if (this.pending.size() <= MOST_PENDING) {
			return true;
		}
		lostForGood(this.pending.lastKey());
		this.statistics.resynced(this.meetingId);
		return false;
	}

	/**
	 * Takes in a page of the history read for the round; true when the history went back
	 * before what was handed on, so that the meeting needs a new epoch.
	 */
	boolean fill(FeedRepair.Round round, FeedHistory.Page page, FeedRepair.Tally tally) {
		if (!page.exists()) {
			tally.resynced |= gone();
		}
		else if (!page.epoch().equals(this.position.epoch())) {
			if (this.position.epoch().isEmpty() || this.position.ended()) {
				adopt(page.epoch(), 0);
			}
			else {
				// Another instance gave the meeting a new epoch.
				moveTo(page.epoch(), page.latest());
				tally.resynced = true;
			}
		}
		else if (page.latest() < round.after() || (round.check() && !this.position.heldBy(page))) {
			return true;
		}
		else {
			List<ReceivedEvent> events = page.events();
			if (round.check() && !events.isEmpty() && events.get(0).event().sequence() == round.after()) {
				events = events.subList(1, events.size());
			}
			if (nextMissing(page.latest(), events)) {
				// Trimmed past the gap: what was missed is no longer recorded.
				lostForGood(Math.max(page.latest(), this.pending.isEmpty() ? 0 : this.pending.lastKey()));
				tally.resynced = true;
			}
			else {
				for (ReceivedEvent event : events) {
					long sequence = event.event().sequence();
					if (sequence > this.position.last() && this.pending.putIfAbsent(sequence, event) == null) {
						tally.filled++;
					}
				}
				drain();
			}
		}
		return false;
	}

	/**
	 * The history went back; {@code now} is where the meeting stands after its epoch was
	 * reset.
	 */
	void wentBack(FeedRepair.Round round, FeedHistory.Page now) {
		if (now.exists()) {
			logger.warn(
					"The history of meeting {} went back (Redis lost acknowledged writes): it is now at {} of "
							+ "epoch {} where {} of epoch {} was delivered; its subscribers here reload it",
					this.meetingId, now.latest(), now.epoch(), round.after(), round.epoch());
			this.statistics.reset(this.meetingId);
			moveTo(now.epoch(), now.latest());
		}
		else {
			gone();
		}
	}

	/**
	 * The events after the last handed on do not begin with the next one, though one is
	 * missing.
	 */
	private boolean nextMissing(long latest, List<ReceivedEvent> events) {
		boolean missing = latest > this.position.last() || !this.pending.isEmpty();
		return missing && (events.isEmpty() || events.get(0).event().sequence() > this.position.last() + 1);
	}

	/**
	 * The meeting is gone (removed after it ended, or lost by Redis). The listener is
	 * told unless it had ended (it learnt that already); true when it was.
	 */
	private boolean gone() {
		boolean tell = !this.position.ended();
		if (tell) {
			logger.warn("Meeting {} is gone from Redis although it had not ended: its subscribers here reload it",
					this.meetingId);
		}
		this.pending.clear();
		this.position.gone();
		if (tell) {
			tellLost();
		}
		return tell;
	}

	/** Hands on every held-back event that is next in sequence. */
	void drain() {
		while (!this.pending.isEmpty()) {
			Map.Entry<Long, ReceivedEvent> first = this.pending.firstEntry();
			if (first.getKey() <= this.position.last()) {
				this.pending.pollFirstEntry();
			}
			else if (first.getKey() == this.position.last() + 1) {
				this.pending.pollFirstEntry();
				deliver(first.getValue());
			}
			else {
				return;
			}
		}
	}

	/** What was missed cannot be recovered; the feed goes on from the newest event. */
	private void lostForGood(long latest) {
		this.pending.clear();
		this.position.skipTo(latest);
		tellLost();
	}

	/** The meeting has a new epoch; the feed goes on from its newest event. */
	private void moveTo(String newEpoch, long latest) {
		adopt(newEpoch, latest);
		tellLost();
	}

	/**
	 * Takes an epoch on without telling anyone (nothing handed on came from another
	 * history).
	 */
	void adopt(String newEpoch, long last) {
		this.pending.clear();
		this.position.adopt(newEpoch, last);
	}

	void tellLost() {
		try {
			this.listener.onLost(this.meetingId);
		}
		catch (RuntimeException ex) {
			logger.error("A listener failed to resynchronise meeting {}", this.meetingId, ex);
		}
	}

	/**
	 * A listener that fails to take the event is told to resynchronise its clients: they
	 * must not go on as if they had it.
	 */
	void deliver(ReceivedEvent received) {
		this.position.handedOn(received);
		try {
			this.listener.onEvent(received);
		}
		catch (RuntimeException ex) {
			logger.error("Delivering event {} of meeting {} failed; its subscribers here reload the meeting",
					received.event().sequence(), this.meetingId, ex);
			tellLost();
		}
	}

}
