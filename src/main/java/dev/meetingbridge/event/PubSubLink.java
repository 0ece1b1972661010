package dev.meetingbridge.event;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * This instance's one Redis pub/sub connection and the channels it keeps subscribed, each
 * with the {@link Receiver} its messages go to: plain pub/sub on a standalone Redis,
 * sharded pub/sub on a cluster. Lettuce reconnects by itself and subscribes every channel
 * again; when that is not enough (a subscription failed, or the link watch finds the link
 * dead), the connection is replaced and every channel subscribed again on the new one.
 */
@Component
class PubSubLink implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(PubSubLink.class);

	/**
	 * What receives a channel's messages, on the Redis I/O thread: it must hand off
	 * anything slow.
	 */
	interface Receiver {

		void message(String channel, String message);

		/**
		 * The channel's subscription was confirmed, the first time or after a reconnect.
		 */
		default void subscribed(String channel) {
		}

		/** Redis ended the channel's subscription by itself (a cluster slot moved). */
		default void dropped(String channel) {
		}

	}

	private static final Receiver IGNORED = (channel, message) -> {
	};

	private final LettuceConnectionFactory connectionFactory;

	private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();

	/** Guards the connection: subscribing, replacing and closing it. */
	private final Object lock = new Object();

	private @Nullable PubSubConnection connection;

	/**
	 * Hands what Redis sends to each channel's receiver; a channel no longer registered
	 * is ignored.
	 */
	private final RedisPubSubAdapter<String, String> listener = new RedisPubSubAdapter<>() {

		@Override
		public void message(String channel, String message) {
			receiverOf(channel).message(channel, message);
		}

		@Override
		public void smessage(String channel, String message) {
			receiverOf(channel).message(channel, message);
		}

		@Override
		public void subscribed(String channel, long count) {
			receiverOf(channel).subscribed(channel);
		}

		@Override
		public void ssubscribed(String channel, long count) {
			receiverOf(channel).subscribed(channel);
		}

		@Override
		public void unsubscribed(String channel, long count) {
			receiverOf(channel).dropped(channel);
		}

		@Override
		public void sunsubscribed(String channel, long count) {
			receiverOf(channel).dropped(channel);
		}

	};

	PubSubLink(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/**
	 * Subscribes the channel (creating the connection if there is none yet); nothing
	 * happens when it is subscribed already. Throws, subscribing nothing, when Redis
	 * fails.
	 */
	void subscribe(String channel, Receiver receiver) {
		synchronized (this.lock) {
			if (this.receivers.putIfAbsent(channel, receiver) == null) {
				try {
					connection().subscribe(channel);
				}
				catch (RuntimeException ex) {
					this.receivers.remove(channel, receiver);
					throw ex;
				}
			}
		}
	}

	/**
	 * Subscribes the channel, replacing the connection if that fails: a subscription that
	 * failed (timed out under load, say) can leave a connection whose replies no longer
	 * match its commands. The channel stays registered when this throws: the caller
	 * {@link #unsubscribe}s it.
	 */
	void subscribeOrRenew(String channel, Receiver receiver) {
		synchronized (this.lock) {
			this.receivers.put(channel, receiver);
			subscribeOrRenew(channel);
		}
	}

	/**
	 * Subscribes a registered channel again (Redis dropped it); throws if Redis fails.
	 */
	void resubscribe(String channel) {
		synchronized (this.lock) {
			if (this.receivers.containsKey(channel)) {
				subscribeOrRenew(channel);
			}
		}
	}

	/** Holding the lock. */
	private void subscribeOrRenew(String channel) {
		try {
			connection().subscribe(channel);
		}
		catch (RuntimeException ex) {
			logger.warn("Subscribing to {} failed ({}); replacing the pub/sub connection", channel, ex.getMessage());
			// The new connection subscribes every registered channel, this one included.
			replace();
		}
	}

	/** Stops receiving the channel; a failure to tell Redis is only logged. */
	void unsubscribe(String channel) {
		synchronized (this.lock) {
			PubSubConnection current = this.connection;
			if (this.receivers.remove(channel) != null && current != null) {
				try {
					current.unsubscribe(channel);
				}
				catch (RuntimeException ex) {
					logger.warn("Could not unsubscribe from {}: {}", channel, ex.getMessage());
				}
			}
		}
	}

	/**
	 * A fresh connection with every channel subscribed again (each confirmation tells its
	 * receiver it may have missed messages).
	 */
	void renew(String why) {
		synchronized (this.lock) {
			logger.warn("Replacing the Redis pub/sub connection: {}", why);
			replace();
		}
	}

	/**
	 * Whether the connection was closed for good (its client was shut down, as when the
	 * connection factory stops): it will not reconnect by itself.
	 */
	boolean closed() {
		PubSubConnection current = this.connection;
		return current != null && current.closed();
	}

	private Receiver receiverOf(String channel) {
		return this.receivers.getOrDefault(channel, IGNORED);
	}

	/** Holding the lock. */
	private void replace() {
		PubSubConnection old = this.connection;
		this.connection = null;
		if (old != null) {
			try {
				old.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the old pub/sub connection failed: {}", ex.getMessage());
			}
		}
		PubSubConnection fresh = connection();
		this.receivers.keySet().forEach(fresh::subscribe);
	}

	/** Holding the lock. */
	private PubSubConnection connection() {
		PubSubConnection current = this.connection;
		if (current == null) {
			AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
			StatefulRedisPubSubConnection<String, String> pubSub = (client instanceof RedisClusterClient cluster)
					? cluster.connectPubSub(StringCodec.UTF8) : ((RedisClient) client).connectPubSub(StringCodec.UTF8);
			pubSub.addListener(this.listener);
			current = new PubSubConnection(pubSub, client instanceof RedisClusterClient);
			this.connection = current;
		}
		return current;
	}

	@Override
	public void destroy() {
		PubSubConnection current = this.connection;
		if (current != null) {
			current.close();
		}
	}

}
