package dev.meetingbridge.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import dev.meetingbridge.store.Epochs;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.Refusal;
import dev.meetingbridge.store.ScriptResult;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Brings each meeting's events from Redis to this instance: a meeting's channel is
 * subscribed only while something here listens to that meeting, and its events are handed
 * to the listeners one at a time, in sequence order, each exactly once. Listeners run on
 * the Redis I/O thread (or a repair thread) and must not block.
 * <p>
 * Lettuce reconnects by itself and subscribes again to every channel when Redis comes
 * back, but pub/sub delivers at most once: what was published while the link was down is
 * lost on it. Each meeting's {@link MeetingFeed} notices (a sequence that jumps ahead, a
 * re-subscribe of its channel) and fills the gap from the meeting's history before
 * anything newer goes out; when the history no longer holds it, its listeners are told
 * ({@link Listener#onLost}).
 */
@Component
public class EventRelay implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(EventRelay.class);

	private static final long REPORT_SECONDS = 10;

	private final LettuceConnectionFactory connectionFactory;

	private final RedisKeys keys;

	private final JsonMapper json;

	private final FeedHistory history;

	private final FeedStatistics statistics;

	private final Map<String, MeetingFeed> feeds = new ConcurrentHashMap<>();

	/** Guards the pub/sub connection and the set of feeds against each other. */
	private final Object lock = new Object();

	// Unsubscribing may be asked for from the I/O thread, which must never wait for Redis
	// itself.
	private final ScheduledExecutorService maintenance = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("event-relay-maintenance").daemon(true).factory());

	/** Gap repairs block on Redis, each on its own virtual thread. */
	private final ExecutorService repairs = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-feed-repair-", 0).factory());

	private @Nullable Channels channels;

	/** The link watch's probe channels, subscribed next to the meetings' own. */
	private final Set<String> probes = ConcurrentHashMap.newKeySet();

	private volatile BiConsumer<String, String> probeReceiver = (channel, message) -> {
	};

	/**
	 * Channels of this instance's own (its inbox), each with what receives its messages.
	 */
	private final Map<String, BiConsumer<String, String>> inboxes = new ConcurrentHashMap<>();

	EventRelay(LettuceConnectionFactory connectionFactory, RedisKeys keys, JsonMapper json, MeetingScripts scripts,
			MeterRegistry meters) {
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.json = json;
		this.history = new FeedHistory() {
			@Override
			public Page after(String meetingId, long after, int limit) {
				return readHistory(scripts, meetingId, after, limit);
			}

			@Override
			public Page resetEpoch(String meetingId, String seen) {
				ScriptResult result = scripts.run(MeetingScript.EPOCH_RESET, meetingId, "", seen, Epochs.next());
				if (!result.ok() && result.refusal() != Refusal.MOVED) {
					return Page.gone();
				}
				return new Page(true, result.number(2), result.string(1), List.of());
			}
		};
		this.statistics = new FeedStatistics(meters);
		this.maintenance.scheduleWithFixedDelay(this.statistics::report, REPORT_SECONDS, REPORT_SECONDS,
				TimeUnit.SECONDS);
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
	 * Starts delivering the meeting's events to the listener. Returns once Redis
	 * confirmed the subscription, so every event published afterwards reaches the
	 * listener.
	 */
	public void listen(String meetingId, Listener listener) {
		MeetingFeed feed;
		boolean first;
		synchronized (this.lock) {
			feed = this.feeds.get(meetingId);
			first = (feed == null);
			if (first) {
				feed = new MeetingFeed(meetingId, this.history, this.repairs, this.statistics);
				this.feeds.put(meetingId, feed);
			}
			feed.listeners().add(listener);
		}
		try {
			if (first) {
				start(feed);
			}
			else {
				feed.awaitLive();
			}
		}
		catch (RuntimeException ex) {
			feed.listeners().remove(listener);
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
		try {
			// Where the meeting stands before subscribing: anything after it either
			// arrives or is read.
			feed.start(this.history.latest(meetingId));
			synchronized (this.lock) {
				feed.expectConfirmation();
				subscribe(meetingId);
			}
			feed.settle();
		}
		catch (RuntimeException ex) {
			feed.failed(ex);
			synchronized (this.lock) {
				if (this.feeds.remove(meetingId, feed)) {
					unsubscribeQuietly(meetingId);
				}
			}
			throw ex;
		}
	}

	/**
	 * Subscribes to the meeting's channel. A subscription that failed (timed out under
	 * load, say) can leave a pub/sub connection whose replies no longer match its
	 * commands, so after a failure the connection is replaced, every current channel
	 * subscribed again on the new one, and the subscription tried once more.
	 */
	private void subscribe(String meetingId) {
		try {
			channels().subscribe(this.keys.eventChannel(meetingId));
		}
		catch (RuntimeException first) {
			logger.warn("Subscribing to meeting {} failed ({}); replacing the pub/sub connection", meetingId,
					first.getMessage());
			replaceConnection();
			channels().subscribe(this.keys.eventChannel(meetingId));
		}
	}

	private void replaceConnection() {
		Channels old = this.channels;
		this.channels = null;
		if (old != null) {
			try {
				old.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the old pub/sub connection failed: {}", ex.getMessage());
			}
		}
		Channels fresh = channels();
		this.probes.forEach(fresh::subscribe);
		this.inboxes.keySet().forEach(fresh::subscribe);
		// Each re-subscribe makes its feed catch up with what the old connection may have
		// missed.
		for (String listened : this.feeds.keySet()) {
			fresh.subscribe(this.keys.eventChannel(listened));
		}
	}

	// For the link watch (RedisLinkWatch), which proves the pub/sub link end to end.

	/** Where probe messages go: the watch that sent them. */
	void onProbe(BiConsumer<String, String> receiver) {
		this.probeReceiver = receiver;
	}

	/**
	 * Subscribes a probe channel on the pub/sub connection (creating the connection if
	 * there is none yet); the probe is kept subscribed when the connection is replaced.
	 */
	void subscribeProbe(String channel) {
		synchronized (this.lock) {
			if (this.probes.add(channel)) {
				try {
					channels().subscribe(channel);
				}
				catch (RuntimeException ex) {
					this.probes.remove(channel);
					throw ex;
				}
			}
		}
	}

	/**
	 * Subscribes a channel of this instance's own on the pub/sub connection, whose
	 * messages go to {@code receiver} (on the Redis I/O thread: hand off anything slow);
	 * kept subscribed when the connection is replaced. Nothing happens when it is
	 * subscribed already.
	 */
	public void subscribeInbox(String channel, BiConsumer<String, String> receiver) {
		synchronized (this.lock) {
			if (this.inboxes.putIfAbsent(channel, receiver) == null) {
				try {
					channels().subscribe(channel);
				}
				catch (RuntimeException ex) {
					this.inboxes.remove(channel);
					throw ex;
				}
			}
		}
	}

	/** Stops probing a channel (its node left the cluster). */
	void unsubscribeProbe(String channel) {
		synchronized (this.lock) {
			Channels current = this.channels;
			if (this.probes.remove(channel) && current != null) {
				try {
					current.unsubscribe(channel);
				}
				catch (RuntimeException ex) {
					logger.debug("Could not unsubscribe probe {}: {}", channel, ex.getMessage());
				}
			}
		}
	}

	/**
	 * A fresh pub/sub connection (the link carried nothing for too long, or was closed
	 * for good), with every channel subscribed again (which makes every feed catch up
	 * once it is confirmed).
	 */
	void renewLink(String why) {
		synchronized (this.lock) {
			logger.warn("Replacing the Redis pub/sub connection: {}", why);
			replaceConnection();
		}
	}

	/**
	 * Whether the pub/sub connection was closed for good (its client was shut down, as
	 * when the connection factory stops): it will not reconnect by itself.
	 */
	boolean linkClosed() {
		Channels current = this.channels;
		return current != null && current.closed();
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

	/**
	 * Stops delivering to the listener; safe to call from any thread, including a
	 * listener.
	 */
	public void unlisten(String meetingId, Listener listener) {
		this.maintenance.execute(() -> {
			synchronized (this.lock) {
				MeetingFeed feed = this.feeds.get(meetingId);
				if (feed == null || !feed.listeners().remove(listener) || !feed.listeners().isEmpty()) {
					return;
				}
				this.feeds.remove(meetingId);
				feed.close();
				unsubscribeQuietly(meetingId);
			}
		});
	}

	/** Holding the lock. */
	private void unsubscribeQuietly(String meetingId) {
		Channels current = this.channels;
		if (current != null) {
			try {
				current.unsubscribe(this.keys.eventChannel(meetingId));
			}
			catch (RuntimeException ex) {
				logger.warn("Could not unsubscribe from meeting {}: {}", meetingId, ex.getMessage());
			}
		}
	}

	/** Meetings this instance currently receives events of. */
	public int listenedMeetings() {
		return this.feeds.size();
	}

	/**
	 * Subscribing to meeting channels: plain pub/sub on a standalone Redis, sharded
	 * pub/sub on a cluster.
	 */
	private interface Channels {

		void subscribe(String channel);

		void unsubscribe(String channel);

		void close();

		/** Closed for good (not reconnecting): only a new connection serves again. */
		boolean closed();

	}

	private Channels channels() {
		Channels current = this.channels;
		if (current == null) {
			RedisPubSubAdapter<String, String> listener = new RedisPubSubAdapter<>() {
				@Override
				public void message(String channel, String message) {
					dispatch(channel, message);
				}

				@Override
				public void smessage(String channel, String message) {
					dispatch(channel, message);
				}

				@Override
				public void subscribed(String channel, long count) {
					resubscribed(channel);
				}

				@Override
				public void ssubscribed(String channel, long count) {
					resubscribed(channel);
				}

				@Override
				public void unsubscribed(String channel, long count) {
					unsubscribedByServer(channel);
				}

				@Override
				public void sunsubscribed(String channel, long count) {
					unsubscribedByServer(channel);
				}
			};
			AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
			if (client instanceof RedisClusterClient cluster) {
				StatefulRedisClusterPubSubConnection<String, String> connection = cluster
					.connectPubSub(StringCodec.UTF8);
				connection.addListener(listener);
				current = new Channels() {
					@Override
					public void subscribe(String channel) {
						connection.sync().ssubscribe(channel);
					}

					@Override
					public void unsubscribe(String channel) {
						connection.sync().sunsubscribe(channel);
					}

					@Override
					public void close() {
						connection.close();
					}

					@Override
					public boolean closed() {
						return connection instanceof RedisChannelHandler<?, ?> handler && handler.isClosed();
					}
				};
			}
			else {
				StatefulRedisPubSubConnection<String, String> connection = ((RedisClient) client)
					.connectPubSub(StringCodec.UTF8);
				connection.addListener(listener);
				current = new Channels() {
					@Override
					public void subscribe(String channel) {
						connection.sync().subscribe(channel);
					}

					@Override
					public void unsubscribe(String channel) {
						connection.sync().unsubscribe(channel);
					}

					@Override
					public void close() {
						connection.close();
					}

					@Override
					public boolean closed() {
						return connection instanceof RedisChannelHandler<?, ?> handler && handler.isClosed();
					}
				};
			}
			this.channels = current;
		}
		return current;
	}

	/**
	 * A channel's subscription was confirmed: after a reconnect, its feed may have missed
	 * events.
	 */
	private void resubscribed(String channel) {
		MeetingFeed feed = feedOf(channel);
		if (feed != null) {
			feed.resubscribed();
		}
	}

	/**
	 * Redis dropped a subscription we still need (a cluster slot moved to another node):
	 * subscribe again, which makes the feed catch up once confirmed.
	 */
	private void unsubscribedByServer(String channel) {
		String meetingId = this.keys.meetingOfChannel(channel);
		if (meetingId == null || !this.feeds.containsKey(meetingId)) {
			return;
		}
		this.maintenance.execute(() -> {
			synchronized (this.lock) {
				if (this.feeds.containsKey(meetingId)) {
					logger.info("Redis dropped the subscription to meeting {}; subscribing again", meetingId);
					try {
						subscribe(meetingId);
					}
					catch (RuntimeException ex) {
						logger.warn("Could not subscribe to meeting {} again: {}", meetingId, ex.getMessage());
					}
				}
			}
		});
	}

	private @Nullable MeetingFeed feedOf(String channel) {
		String meetingId = this.keys.meetingOfChannel(channel);
		return (meetingId != null) ? this.feeds.get(meetingId) : null;
	}

	private void dispatch(String channel, String message) {
		if (this.probes.contains(channel)) {
			this.probeReceiver.accept(channel, message);
			return;
		}
		BiConsumer<String, String> inbox = this.inboxes.get(channel);
		if (inbox != null) {
			inbox.accept(channel, message);
			return;
		}
		MeetingFeed feed = feedOf(channel);
		if (feed == null) {
			return;
		}
		ReceivedEvent received = parse(message);
		if (received == null) {
			logger.warn("Ignoring an unreadable event on {}", channel);
			return;
		}
		feed.accept(received);
	}

	private @Nullable ReceivedEvent parse(String message) {
		try {
			BridgeEvent event = this.json.readValue(message, BridgeEvent.class);
			EventType type = EventType.of(event.type()).orElseThrow();
			return new ReceivedEvent(event, type, message, System.nanoTime());
		}
		catch (JacksonException | NoSuchElementException ex) {
			logger.debug("Unreadable event: {}", ex.getMessage());
			return null;
		}
	}

	private FeedHistory.Page readHistory(MeetingScripts scripts, String meetingId, long after, int limit) {
		ScriptResult result = scripts.run(MeetingScript.HISTORY, meetingId, "", Long.toString(after),
				Integer.toString(limit));
		if (!result.ok()) {
			return FeedHistory.Page.gone();
		}
		List<ReceivedEvent> events = new ArrayList<>();
		for (String recorded : result.list(2)) {
			ReceivedEvent event = parse(recorded);
			if (event != null) {
				events.add(event);
			}
		}
		return new FeedHistory.Page(true, result.number(1), result.string(3), events);
	}

	@Override
	public void destroy() {
		this.maintenance.shutdownNow();
		this.repairs.shutdownNow();
		this.feeds.values().forEach(MeetingFeed::close);
		Channels current = this.channels;
		if (current != null) {
			current.close();
		}
	}

}
