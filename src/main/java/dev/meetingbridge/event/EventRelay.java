package dev.meetingbridge.event;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

import dev.meetingbridge.periodic.PeriodicTask;
import dev.meetingbridge.periodic.PeriodicTasks;
import dev.meetingbridge.store.RedisKeys;
import io.lettuce.core.RedisException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * Brings each meeting's events from Redis to this instance: a meeting's channel is
 * subscribed on the {@link PubSubLink} only while something here listens to that meeting,
 * and each event read from it ({@link EventJson}) goes to the meeting's
 * {@link MeetingFeed}, which hands it to the listener in sequence order, exactly once,
 * filling what pub/sub missed from the meeting's history. Listeners run on the Redis I/O
 * thread (or a repair thread) and must not block.
 */
@Component
public class EventRelay implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(EventRelay.class);

	private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

	private final PubSubLink link;

	private final RedisKeys keys;

	private final EventJson json;

	private final FeedHistory history;

	private final FeedStatistics statistics;

	private final Map<String, MeetingFeed> feeds = new ConcurrentHashMap<>();

	/** Guards the set of feeds. */
	private final Object lock = new Object();

	/**
	 * Unsubscribing and subscribing again may be asked for from the I/O thread, which
	 * must never wait for Redis itself: each runs on its own virtual thread (the link and
	 * the set of feeds are guarded, so the order in which they run does not matter).
	 */
	private final ExecutorService offIoThread = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-relay-", 0).factory());

	/** Gap repairs block on Redis, each on its own virtual thread. */
	private final ExecutorService repairs = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-feed-repair-", 0).factory());

	private final PeriodicTask report;

	EventRelay(PubSubLink link, RedisKeys keys, EventJson json, FeedHistory history, MeterRegistry meters,
			PeriodicTasks tasks) {
		this.link = link;
		this.keys = keys;
		this.json = json;
		this.history = history;
		this.statistics = new FeedStatistics(meters);
		this.report = tasks.everyBriefly("report the feeds' repairs", REPORT_EVERY, REPORT_EVERY,
				this.statistics::report);
	}

	/**
	 * Receives a meeting's events. Called on the Redis I/O thread or a repair thread:
	 * hand off anything slow.
	 */
	public interface Listener {

		/** The next event of the meeting, in sequence order. */
		void onEvent(ReceivedEvent event);

		/**
		 * Events of the meeting were missed and its history no longer holds them: whoever
		 * was told about the meeting's events must start over. The events after the gap
		 * follow.
		 */
		default void onLost(String meetingId) {
		}

	}

	/**
	 * Starts delivering the meeting's events to the listener, the meeting's only one: it
	 * takes over from a listener that has not stopped yet. Returns once Redis confirmed
	 * the subscription and the feed caught up, so every event published afterwards
	 * reaches the listener. A meeting is listened to again only after the previous
	 * {@code listen} of it returned.
	 */
	public void listen(String meetingId, Listener listener) {
		MeetingFeed feed;
		synchronized (this.lock) {
			feed = this.feeds.get(meetingId);
			if (feed != null && !feed.closed()) {
				feed.listenWith(listener);
				return;
			}
			feed = new MeetingFeed(meetingId, listener, this.history, this.repairs, this.statistics);
			this.feeds.put(meetingId, feed);
		}
		try {
			start(feed);
		}
		catch (RuntimeException ex) {
			throw (ex instanceof RedisException) ? new DataAccessResourceFailureException(
					"Could not subscribe to the events of meeting " + meetingId, ex) : ex;
		}
	}

	/**
	 * Subscribes a new feed's channel and brings the feed up to date; on failure, undoes
	 * it.
	 */
	private void start(MeetingFeed feed) {
		String meetingId = feed.meetingId();
		String channel = this.keys.eventChannel(meetingId);
		try {
			// Where the meeting stands before subscribing: anything after it either
			// arrives or is read.
			feed.start(this.history.latest(meetingId));
			feed.expectConfirmation();
			this.link.subscribeOrRenew(channel, new FeedChannel(feed, this.json, this.link, this.offIoThread));
			feed.settle();
		}
		catch (RuntimeException ex) {
			feed.close();
			synchronized (this.lock) {
				if (this.feeds.remove(meetingId, feed)) {
					this.link.unsubscribe(channel);
				}
			}
			throw ex;
		}
	}

	/**
	 * Stops delivering to the listener, unless another took over; safe to call from any
	 * thread, including a listener.
	 */
	public void unlisten(String meetingId, Listener listener) {
		this.offIoThread.execute(() -> {
			synchronized (this.lock) {
				MeetingFeed feed = this.feeds.get(meetingId);
				if (feed != null && feed.listensWith(listener)) {
					this.feeds.remove(meetingId);
					feed.close();
					this.link.unsubscribe(this.keys.eventChannel(meetingId));
				}
			}
		});
	}

	/** Meetings this instance currently receives events of. */
	public int listenedMeetings() {
		return this.feeds.size();
	}

	/**
	 * Subscribes a channel of this instance's own, whose messages go to {@code receiver}
	 * (on the Redis I/O thread: hand off anything slow); kept subscribed when the
	 * connection is replaced. Nothing happens when it is subscribed already.
	 */
	public void subscribeInbox(String channel, BiConsumer<String, String> receiver) {
		this.link.subscribe(channel, receiver::accept);
	}

	/**
	 * The pub/sub link has been down for too long: every local listener must have its
	 * clients reconnect (perhaps to an instance whose link works) and reload.
	 */
	void linkLost() {
		this.feeds.values().forEach(MeetingFeed::linkLost);
	}

	/**
	 * Redis may have changed under every feed (another master answers): each catches up
	 * and checks that the history still holds what it handed on.
	 */
	void verifyAll() {
		this.feeds.values().forEach(MeetingFeed::verify);
	}

	@Override
	public void destroy() {
		this.report.cancel();
		this.offIoThread.shutdownNow();
		this.repairs.shutdownNow();
		this.feeds.values().forEach(MeetingFeed::close);
	}

}
