package dev.meetingbridge.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

import dev.meetingbridge.config.BridgeProperties;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * {@code bridge.redis.replica-acks}: a state change is acknowledged only once that many
 * replicas have it (Redis {@code WAIT} after the script, up to
 * {@code bridge.redis.replica-ack-timeout}; then the request fails with 503
 * {@code store-unavailable}, and the change, made on the master, may or may not survive a
 * failover: a retry with the same {@code Idempotency-Key} gets its answer).
 * <p>
 * {@code WAIT} blocks the connection it is sent on until the replicas answer, so it never
 * goes over the connection every other command shares: each such change borrows a
 * connection of its own from a small pool, runs its script there and waits there.
 */
@Component
class ReplicaAcks implements DisposableBean {

	/** Connections kept for changes waiting for replicas; more requests queue. */
	private static final int CONNECTIONS = 32;

	private final LettuceConnectionFactory connectionFactory;

	private final int replicas;

	private final long timeoutMillis;

	private final BlockingQueue<StatefulConnection<String, String>> idle = new LinkedBlockingQueue<>();

	private final Semaphore permits = new Semaphore(CONNECTIONS);

	private final Counter timeouts;

	ReplicaAcks(LettuceConnectionFactory connectionFactory, BridgeProperties properties, MeterRegistry meters) {
		this.connectionFactory = connectionFactory;
		this.replicas = properties.redis().replicaAcks();
		this.timeoutMillis = properties.redis().replicaAckTimeout().toMillis();
		this.timeouts = Counter.builder("bridge.redis.replica.ack.timeouts")
			.description("State changes refused with 503 because fewer replicas than bridge.redis.replica-acks "
					+ "had them in time")
			.register(meters);
	}

	/** Whether changes wait for replicas at all. */
	boolean enabled() {
		return this.replicas > 0;
	}

	/**
	 * Runs the script on a connection of its own and waits until the replicas have what
	 * it wrote.
	 */
	List<?> runAndWait(RedisScript<?> script, List<String> keys, List<String> args) {
		try {
			this.permits.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DataAccessResourceFailureException("Interrupted while waiting for a Redis connection", ex);
		}
		StatefulConnection<String, String> connection = null;
		boolean healthy = false;
		try {
			connection = borrow();
			RedisCommands<String, String> commands = commandsFor(connection, keys.get(0));
			String[] keyArray = keys.toArray(String[]::new);
			String[] argArray = args.toArray(String[]::new);
			List<?> result;
			try {
				result = commands.evalsha(script.getSha1(), ScriptOutputType.MULTI, keyArray, argArray);
			}
			catch (RedisNoScriptException ex) {
				result = commands.eval(script.getScriptAsString(), ScriptOutputType.MULTI, keyArray, argArray);
			}
			long acknowledged = commands.waitForReplication(this.replicas, this.timeoutMillis);
			healthy = true;
			if (acknowledged < this.replicas) {
				this.timeouts.increment();
				throw new QueryTimeoutException("Only " + acknowledged + " of the " + this.replicas
						+ " replicas required by bridge.redis.replica-acks had the change within "
						+ Duration.ofMillis(this.timeoutMillis) + "; it was made on the master and may not survive "
						+ "a failover");
			}
			return result;
		}
		catch (RedisException ex) {
			throw new DataAccessResourceFailureException("Redis failed: " + ex.getMessage(), ex);
		}
		finally {
			if (connection != null) {
				if (healthy) {
					this.idle.add(connection);
				}
				else {
					connection.closeAsync();
				}
			}
			this.permits.release();
		}
	}

	private StatefulConnection<String, String> borrow() {
		StatefulConnection<String, String> connection = this.idle.poll();
		while (connection != null && !connection.isOpen()) {
			connection.closeAsync();
			connection = this.idle.poll();
		}
		if (connection != null) {
			return connection;
		}
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		if (client instanceof RedisClusterClient cluster) {
			return cluster.connect(StringCodec.UTF8);
		}
		return ((RedisClient) client).connect(StringCodec.UTF8);
	}

	/**
	 * The commands of the connection the script runs on, which {@code WAIT} must use too:
	 * on a cluster, the connection to the master of the keys' slot.
	 */
	@SuppressWarnings("unchecked")
	private static RedisCommands<String, String> commandsFor(StatefulConnection<String, String> connection,
			String key) {
		if (connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
			@Nullable String nodeId = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getNodeId();
			return cluster.getConnection(nodeId).sync();
		}
		return ((StatefulRedisConnection<String, String>) connection).sync();
	}

	@Override
	public void destroy() {
		StatefulConnection<String, String> connection;
		while ((connection = this.idle.poll()) != null) {
			connection.closeAsync();
		}
	}

}
