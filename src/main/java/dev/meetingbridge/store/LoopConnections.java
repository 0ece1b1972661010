package dev.meetingbridge.store;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.meetingbridge.config.BridgeProperties;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConverters;
import org.springframework.stereotype.Component;

/**
 * One Redis connection per event loop of the HTTP and WebSocket server, opened on that
 * loop the first time a script is run from it: a request's script is written, answered
 * and continued on the thread that read the request, where the shared connection's own
 * thread would take the command over and hand the answer back, waking a thread each way.
 * Until a loop's connection is open, while it cannot be opened or is reconnecting, and on
 * any other thread, scripts go over the shared connection. Not on a Redis Cluster (the
 * client routes its commands over a connection per node), nor with settings this does not
 * repeat (replica reads, a credentials provider);
 * {@code bridge.transport.redis-per-loop=false} turns it off.
 */
@Component
class LoopConnections implements NettyServerCustomizer, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(LoopConnections.class);

	/** How long a loop goes over the shared connection after its own failed to open. */
	private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	private final LettuceConnectionFactory factory;

	private final @Nullable RedisURI uri;

	private final Map<EventExecutor, Slot> slots = new ConcurrentHashMap<>();

	private final FastThreadLocal<Slot> current = new FastThreadLocal<>();

	/** The server's event loops, once it is bound. */
	private volatile @Nullable EventExecutorGroup serverLoops;

	private volatile boolean closed;

	private final AtomicBoolean told = new AtomicBoolean();

	LoopConnections(LettuceConnectionFactory factory, BridgeProperties properties, MeterRegistry meters) {
		this.factory = factory;
		String off = whyNot(factory, properties);
		this.uri = (off == null) ? uriOf(factory) : null;
		if (off != null) {
			logger.info("Redis scripts of requests go over the shared Redis connection: {}", off);
		}
		Gauge.builder("bridge.redis.loop.connections", this, LoopConnections::open)
			.description("Redis connections of the server's event loops that are open")
			.register(meters);
	}

	private static @Nullable String whyNot(LettuceConnectionFactory factory, BridgeProperties properties) {
		LettuceClientConfiguration client = factory.getClientConfiguration();
		if (!properties.transport().redisPerLoop()) {
			return "bridge.transport.redis-per-loop=false";
		}
		if (factory.isClusterAware()) {
			return "a Redis Cluster routes them by slot";
		}
		if (client.getReadFrom().isPresent() || client.getRedisCredentialsProviderFactory().isPresent()) {
			return "replica reads or a credentials provider are configured";
		}
		return null;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnBound((bound) -> this.serverLoops = bound.channel().eventLoop().parent());
	}

	/**
	 * The commands of the current event loop's own connection, or {@code null}: not on
	 * one of the server's event loops, not open (yet), or not used here.
	 */
	@Nullable RedisClusterAsyncCommands<byte[], byte[]> commands() {
		if (this.uri == null || this.closed) {
			return null;
		}
		Slot slot = this.current.getIfExists();
		if (slot == null) {
			// Netty knows which of its event loops runs the current thread.
			EventExecutor executor = ThreadExecutorMap.currentExecutor();
			EventExecutorGroup server = this.serverLoops;
			if (server == null || !(executor instanceof EventLoop) || executor.parent() != server
					|| !executor.inEventLoop()) {
				return null;
			}
			slot = this.slots.computeIfAbsent(executor, Slot::new);
			this.current.set(slot);
		}
		return slot.commands();
	}

	private int open() {
		int open = 0;
		for (Slot slot : this.slots.values()) {
			open += slot.isOpen() ? 1 : 0;
		}
		return open;
	}

	@Override
	public void destroy() {
		this.closed = true;
		this.slots.values().forEach(Slot::close);
	}

	/**
	 * The address of the shared connection's Redis as the connection factory builds it
	 * (standalone or Sentinel).
	 */
	private static RedisURI uriOf(LettuceConnectionFactory factory) {
		LettuceClientConfiguration client = factory.getClientConfiguration();
		RedisURI uri;
		RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
		if (factory.isRedisSentinelAware() && sentinel != null) {
			uri = LettuceConverters.sentinelConfigurationToRedisURI(sentinel);
			uri.setDatabase(sentinel.getDatabase());
			credentials(uri, sentinel.getUsername(), sentinel.getPassword());
		}
		else {
			uri = RedisURI.create(factory.getHostName(), factory.getPort());
			uri.setDatabase(factory.getStandaloneConfiguration().getDatabase());
			credentials(uri, factory.getStandaloneConfiguration().getUsername(),
					factory.getStandaloneConfiguration().getPassword());
		}
		client.getClientName().ifPresent(uri::setClientName);
		uri.setSsl(client.isUseSsl());
		uri.setVerifyPeer(client.getVerifyMode());
		uri.setStartTls(client.isStartTls());
		uri.setTimeout(client.getCommandTimeout());
		return uri;
	}

	private static void credentials(RedisURI uri, @Nullable String username, RedisPassword password) {
		password.toOptional().ifPresent((secret) -> {
			if (username != null) {
				uri.setUsername(username);
			}
			uri.setPassword(secret);
		});
	}

	/**
	 * Where a loop's connection stands: not open (the first time, or failed and tried
	 * again from {@code retryAt}), opening, open (connected or reconnecting), or never to
	 * be opened on this kind of loop.
	 */
	private enum State {

		CLOSED, OPENING, OPEN, UNUSABLE

	}

	/** A loop's connection. */
	private final class Slot {

		private final EventLoop loop;

		/** The loop's thread, for logs. */
		private final String name = Thread.currentThread().getName();

		private volatile State state = State.CLOSED;

		private volatile @Nullable LoopBoundClient client;

		private volatile @Nullable StatefulRedisConnection<byte[], byte[]> connection;

		private volatile long retryAt = System.nanoTime();

		/** Whether an open failed before (only the first failure is a warning). */
		private boolean failedBefore;

		Slot(EventExecutor loop) {
			this.loop = (EventLoop) loop;
		}

		/** The connection's commands while it is connected. */
		@Nullable RedisClusterAsyncCommands<byte[], byte[]> commands() {
			StatefulRedisConnection<byte[], byte[]> connection = this.connection;
			if (connection == null) {
				if (this.state == State.CLOSED && System.nanoTime() - this.retryAt >= 0) {
					open();
				}
				return null;
			}
			return connection.isOpen() ? connection.async() : null;
		}

		boolean isOpen() {
			StatefulRedisConnection<byte[], byte[]> connection = this.connection;
			return connection != null && connection.isOpen();
		}

		/** Opens the connection without waiting for it (on the loop itself). */
		private void open() {
			RedisURI uri = LoopConnections.this.uri;
			if (uri == null) {
				return;
			}
			LoopBoundClient client = this.client;
			if (client == null) {
				client = LoopBoundClient.on(this.loop, LoopConnections.this.factory.getClientResources(), uri);
				if (client == null) {
					this.state = State.UNUSABLE;
					logger.info("Redis scripts of requests on {} go over the shared Redis connection: the Redis "
							+ "client cannot open sockets on its kind of event loop", this.name);
					return;
				}
				LoopConnections.this.factory.getClientConfiguration().getClientOptions().ifPresent(client::setOptions);
				this.client = client;
			}
			this.state = State.OPENING;
			client.connectAsync(ByteArrayCodec.INSTANCE, uri).whenComplete((connection, failure) -> {
				if (failure != null) {
					failed(failure);
				}
				else if (LoopConnections.this.closed) {
					connection.closeAsync();
					this.state = State.CLOSED;
				}
				else {
					this.connection = connection;
					this.state = State.OPEN;
					if (LoopConnections.this.told.compareAndSet(false, true)) {
						logger.info("REST joins, leaves and chat messages run their Redis scripts over a connection of "
								+ "their event loop's own (the first opened on {}; bridge_redis_loop_connections "
								+ "counts them)", this.name);
					}
					logger.debug("Redis connection of {} open", this.name);
				}
			});
		}

		private void failed(Throwable failure) {
			this.retryAt = System.nanoTime() + RETRY_AFTER.toNanos();
			this.state = State.CLOSED;
			if (!this.failedBefore) {
				this.failedBefore = true;
				logger.warn(
						"The Redis connection of {} could not be opened ({}); its requests use the shared "
								+ "connection meanwhile, and it is tried again every {} s",
						this.name, failure.getMessage(), RETRY_AFTER.toSeconds());
			}
			else {
				logger.debug("The Redis connection of {} could not be opened", this.name, failure);
			}
		}

		void close() {
			StatefulRedisConnection<byte[], byte[]> connection = this.connection;
			if (connection != null) {
				connection.close();
			}
			LoopBoundClient client = this.client;
			if (client != null) {
				client.shutdown();
			}
		}

	}

}
