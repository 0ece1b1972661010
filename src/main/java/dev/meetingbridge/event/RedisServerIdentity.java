package dev.meetingbridge.event;

import java.time.Duration;
import java.util.Properties;

import dev.meetingbridge.periodic.PeriodicComponent;
import dev.meetingbridge.periodic.PeriodicTasks;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * On a standalone Redis (or Sentinel), every few seconds: notices another server
 * answering (its {@code run_id} changed: a failover, a restart, a restore), which may
 * have lost what the feeds handed on, and has every feed check its history. A cluster's
 * nodes are followed by Lettuce's topology refresh instead.
 */
@Component
class RedisServerIdentity extends PeriodicComponent {

	private static final Logger logger = LoggerFactory.getLogger(RedisServerIdentity.class);

	private static final Duration INTERVAL = Duration.ofSeconds(5);

	private final EventRelay relay;

	private final StringRedisTemplate redis;

	private final PeriodicTasks tasks;

	private final boolean cluster;

	private @Nullable String runId;

	RedisServerIdentity(EventRelay relay, StringRedisTemplate redis, LettuceConnectionFactory connectionFactory,
			PeriodicTasks tasks) {
		this.relay = relay;
		this.redis = redis;
		this.tasks = tasks;
		this.cluster = connectionFactory.isClusterAware();
	}

	void check() {
		Properties info = this.redis
			.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands().info("server"));
		String current = (info != null) ? info.getProperty("run_id") : null;
		if (current == null) {
			return;
		}
		if (this.runId != null && !this.runId.equals(current)) {
			logger.warn("Another Redis server answers now (run_id {} -> {}): every meeting followed here checks "
					+ "its history", this.runId, current);
			this.relay.verifyAll();
		}
		this.runId = current;
	}

	@Override
	public void start() {
		if (!this.cluster) {
			run(this.tasks.everyBriefly("read the Redis server's run_id", Duration.ZERO, INTERVAL, this::check));
		}
	}

}
