package dev.meetingbridge.event;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.meetingbridge.store.RedisKeys;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
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
 * Brings each meeting's events from Redis to this instance: a meeting's channel is subscribed
 * only while something here listens to that meeting, and its events are handed to the listeners
 * one at a time, in the order Redis published them (which is sequence order per meeting).
 * Listeners run on the Redis I/O thread and must not block.
 * <p>
 * Lettuce reconnects by itself and subscribes again to every channel when Redis comes back;
 * events published while the connection was down are not replayed here (clients fill such a gap
 * from the history endpoint, which the sequence numbers reveal).
 */
@Component
public class EventRelay implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(EventRelay.class);

	private final LettuceConnectionFactory connectionFactory;

	private final RedisKeys keys;

	private final JsonMapper json;

	private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	// Unsubscribing may be asked for from the I/O thread, which must never wait for Redis itself.
	private final ExecutorService maintenance = Executors.newSingleThreadExecutor(Thread.ofPlatform()
		.name("event-relay-maintenance")
		.daemon(true)
		.factory());

	private @Nullable Channels channels;

	EventRelay(LettuceConnectionFactory connectionFactory, RedisKeys keys, JsonMapper json) {
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.json = json;
	}

	/** Receives a meeting's events. Called on the Redis I/O thread: hand off anything slow. */
	@FunctionalInterface
	public interface Listener {

		void onEvent(ReceivedEvent event);

	}

	/**
	 * Starts delivering the meeting's events to the listener. Returns once Redis confirmed the
	 * subscription, so every event published afterwards reaches the listener.
	 */
	public void listen(String meetingId, Listener listener) {
		synchronized (this.lock) {
			List<Listener> meetingListeners = this.listeners.computeIfAbsent(meetingId,
					(id) -> new CopyOnWriteArrayList<>());
			boolean first = meetingListeners.isEmpty();
			meetingListeners.add(listener);
			if (first) {
				try {
					subscribe(meetingId);
				}
				catch (RuntimeException ex) {
					meetingListeners.remove(listener);
					if (meetingListeners.isEmpty()) {
						this.listeners.remove(meetingId);
					}
					throw (ex instanceof RedisException) ? new DataAccessResourceFailureException(
							"Could not subscribe to the events of meeting " + meetingId, ex) : ex;
				}
			}
		}
	}

	/**
	 * Subscribes to the meeting's channel. A subscription that failed (timed out under load, say)
	 * can leave a pub/sub connection whose replies no longer match its commands, so after a
	 * failure the connection is replaced, every current channel subscribed again on the new one,
	 * and the subscription tried once more.
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
		for (String listened : this.listeners.keySet()) {
			fresh.subscribe(this.keys.eventChannel(listened));
		}
	}

	/** Stops delivering to the listener; safe to call from any thread, including a listener. */
	public void unlisten(String meetingId, Listener listener) {
		this.maintenance.execute(() -> {
			synchronized (this.lock) {
				List<Listener> meetingListeners = this.listeners.get(meetingId);
				if (meetingListeners == null || !meetingListeners.remove(listener) || !meetingListeners.isEmpty()) {
					return;
				}
				this.listeners.remove(meetingId);
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
		});
	}

	/** Meetings this instance currently receives events of. */
	public int listenedMeetings() {
		return this.listeners.size();
	}

	/** Subscribing to meeting channels: plain pub/sub on a standalone Redis, sharded pub/sub on a cluster. */
	private interface Channels {

		void subscribe(String channel);

		void unsubscribe(String channel);

		void close();

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
			};
			AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
			if (client instanceof RedisClusterClient cluster) {
				StatefulRedisClusterPubSubConnection<String, String> connection = cluster.connectPubSub(StringCodec.UTF8);
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
				};
			}
			this.channels = current;
		}
		return current;
	}

	private void dispatch(String channel, String message) {
		String meetingId = this.keys.meetingOfChannel(channel);
		List<Listener> meetingListeners = (meetingId != null) ? this.listeners.get(meetingId) : null;
		if (meetingListeners == null || meetingListeners.isEmpty()) {
			return;
		}
		ReceivedEvent received;
		try {
			BridgeEvent event = this.json.readValue(message, BridgeEvent.class);
			EventType type = EventType.of(event.type()).orElseThrow();
			received = new ReceivedEvent(event, type, message);
		}
		catch (JacksonException | NoSuchElementException ex) {
			logger.warn("Ignoring an unreadable event on {}: {}", channel, ex.getMessage());
			return;
		}
		for (Listener listener : meetingListeners) {
			try {
				listener.onEvent(received);
			}
			catch (RuntimeException ex) {
				logger.error("An event listener failed for meeting {}", meetingId, ex);
			}
		}
	}

	@Override
	public void destroy() {
		this.maintenance.shutdownNow();
		Channels current = this.channels;
		if (current != null) {
			current.close();
		}
	}

}
