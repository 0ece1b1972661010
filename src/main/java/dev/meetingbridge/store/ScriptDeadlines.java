package dev.meetingbridge.store;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The scripts' deadlines, in Redis's own time: a command that timed out here is still in
 * Redis's input (a frozen or stalled Redis runs it when it resumes), yet its caller was
 * told that nothing changed; past its deadline (in the time Redis checks it against) the
 * prelude refuses it. Redis's clock is sampled at start-up and every 30 s (every second
 * while it cannot be read), and advanced with this JVM's monotonic clock in between. A
 * deadline is asked for on the thread that sends the script, which may be the Redis
 * client's own (a script sent when another's answer arrives): it never waits for Redis,
 * since a command sent from there would wait for the very thread that reads its answer,
 * stalling every command of that connection until its timeout. A new sample is read on a
 * virtual thread of its own meanwhile.
 */
@Component
public class ScriptDeadlines implements SmartInitializingSingleton {

	private static final Duration RESAMPLE = Duration.ofSeconds(30);

	/**
	 * How soon a sample that could not be read (Redis away, a slow round trip) is tried
	 * again.
	 */
	private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final StringRedisTemplate redis;

	private final long resampleNanos;

	/**
	 * How long after it was sent a script may still start: most of the command timeout,
	 * so its answer arrives in time.
	 */
	private final long budgetMillis;

	/** Redis's clock as last read. */
	private volatile @Nullable RedisTime redisTime;

	/** Whether a new sample is being read. */
	private final AtomicBoolean sampling = new AtomicBoolean();

	@Autowired
	ScriptDeadlines(StringRedisTemplate redis, RedisConnectionFactory connectionFactory) {
		this(redis, budgetOf(connectionFactory), RESAMPLE);
	}

	ScriptDeadlines(StringRedisTemplate redis, long budgetMillis, Duration resample) {
		this.redis = redis;
		this.budgetMillis = budgetMillis;
		this.resampleNanos = resample.toNanos();
	}

	private static long budgetOf(RedisConnectionFactory connectionFactory) {
		long timeout = (connectionFactory instanceof LettuceConnectionFactory lettuce)
				? lettuce.getClientConfiguration().getCommandTimeout().toMillis() : 2000;
		return Math.max(100, timeout * 3 / 4);
	}

	/**
	 * The first sample, before any script is sent: read twice, since the first command
	 * also opens the connection, a round trip that says less about when Redis answered.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		readRedisTime(null);
		readRedisTime(this.redisTime);
	}

	/** Redis time (milliseconds) after which a script sent now must not run. */
	long deadline() {
		RedisTime time = this.redisTime;
		if (time == null || System.nanoTime() - time.renewAt() >= 0) {
			if (this.sampling.compareAndSet(false, true)) {
				RedisTime last = time;
				Thread.ofVirtual().name("redis-clock").start(() -> {
					try {
						readRedisTime(last);
					}
					finally {
						this.sampling.set(false);
					}
				});
			}
			if (time == null) {
				// No sample yet (Redis was away at start-up): this JVM's clock meanwhile.
				return System.currentTimeMillis() + this.budgetMillis;
			}
		}
		return time.now() + this.budgetMillis;
	}

	private void readRedisTime(@Nullable RedisTime last) {
		@Nullable RedisTime time = null;
		try {
			long sent = System.nanoTime();
			Long millis = this.redis
				.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().time(TimeUnit.MILLISECONDS));
			long received = System.nanoTime();
			// A slow round trip says little about Redis's clock: keep what we had.
			if (millis != null && received - sent <= TimeUnit.MILLISECONDS.toNanos(this.budgetMillis)) {
				time = new RedisTime(millis, sent + (received - sent) / 2, received + this.resampleNanos);
			}
		}
		catch (DataAccessException ex) {
			// Redis is away; the script that follows reports it.
		}
		if (time == null) {
			long now = System.nanoTime();
			time = new RedisTime((last != null) ? last.now() : System.currentTimeMillis(), now,
					now + Math.min(RETRY_NANOS, this.resampleNanos));
		}
		this.redisTime = time;
	}

	/**
	 * Redis's clock ({@code millis}) as read (or estimated) at {@code readAt}, to be read
	 * again from {@code renewAt} (both {@link System#nanoTime()}).
	 */
	private record RedisTime(long millis, long readAt, long renewAt) {

		long now() {
			return this.millis + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.readAt);
		}

	}

}
