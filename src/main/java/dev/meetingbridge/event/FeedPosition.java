package dev.meetingbridge.event;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where a feed stands in its meeting's history: the epoch and the last sequence it handed
 * on, that event as Redis recorded it (so that a catch-up can check the history still
 * holds it), and the epochs it left (so that their late events are known as stale). Not
 * thread-safe: its feed guards it.
 */
final class FeedPosition {

	/** Epochs remembered after the feed left them. */
	private static final int PAST_EPOCHS = 8;

	/** The last sequence handed on; -1 until the feed knows where the meeting stands. */
	private long last = -1;

	/** The epoch of the events handed on; empty until known. */
	private String epoch = "";

	/** The last event handed on; null when none was since the feed last moved. */
	private @Nullable String lastJson;

	/**
	 * The meeting ended or is gone: a later event of another epoch with sequence 1
	 * belongs to a new meeting of the same id.
	 */
	private boolean ended;

	private final Deque<String> pastEpochs = new ArrayDeque<>();

	long last() {
		return this.last;
	}

	String epoch() {
		return this.epoch;
	}

	boolean ended() {
		return this.ended;
	}

	/** Whether the last event handed on is known, so that a catch-up can check it. */
	boolean knowsLast() {
		return this.lastJson != null;
	}

	/** Where the meeting stood before its channel was subscribed. */
	void start(FeedHistory.Page baseline) {
		this.last = baseline.latest();
		this.epoch = baseline.epoch();
		this.ended = !baseline.exists();
	}

	boolean left(String epoch) {
		return this.pastEpochs.contains(epoch);
	}

	/** Whether the event is the last one handed on, unchanged. */
	boolean isLast(ReceivedEvent received) {
		return received.event().sequence() == this.last && received.json().equals(this.lastJson);
	}

	/**
	 * The page, read from the sequence before the last handed on, begins with that event
	 * as it was handed on, or no longer records it (trimmed: nothing to compare with).
	 */
	boolean heldBy(FeedHistory.Page page) {
		List<ReceivedEvent> events = page.events();
		if (events.isEmpty() || events.get(0).event().sequence() != this.last) {
			return events.isEmpty() || events.get(0).event().sequence() > this.last;
		}
		return events.get(0).json().equals(this.lastJson);
	}

	void handedOn(ReceivedEvent received) {
		this.last = received.event().sequence();
		this.lastJson = received.json();
		if (this.epoch.isEmpty()) {
			this.epoch = received.event().epoch();
		}
		this.ended = received.type() == EventType.MEETING_ENDED;
	}

	/** Goes on from {@code latest}, without an event to check a catch-up against. */
	void skipTo(long latest) {
		this.last = latest;
		this.lastJson = null;
	}

	/** Takes another epoch on, going on from {@code last} of it. */
	void adopt(String newEpoch, long last) {
		retire();
		this.epoch = newEpoch;
		skipTo(last);
	}

	/**
	 * The meeting is gone: whatever comes next belongs to a new meeting of the same id.
	 */
	void gone() {
		retire();
		this.epoch = "";
		skipTo(0);
		this.ended = true;
	}

	private void retire() {
		if (!this.epoch.isEmpty() && !this.pastEpochs.contains(this.epoch)) {
			this.pastEpochs.addLast(this.epoch);
			if (this.pastEpochs.size() > PAST_EPOCHS) {
				this.pastEpochs.removeFirst();
			}
		}
	}

}
