package dev.meetingbridge.store;

import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

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
 * prelude refuses it. Redis's clock is sampled now and then and advanced with this JVM's
 * monotonic clock in between.
 */
@Component
public class ScriptDeadlines {

	private static final long RESAMPLE_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final StringRedisTemplate redis;

	/**
	 * How long after it was sent a script may still start: most of the command timeout,
	 * so its answer arrives in time.
	 */
	private final long budgetMillis;

	/** Redis's clock as last read. */
	private volatile @Nullable RedisTime redisTime;

	ScriptDeadlines(StringRedisTemplate redis, RedisConnectionFactory connectionFactory) {
		this.redis = redis;
		long timeout = (connectionFactory instanceof LettuceConnectionFactory lettuce)
				? lettuce.getClientConfiguration().getCommandTimeout().toMillis() : 2000;
		this.budgetMillis = Math.max(100, timeout * 3 / 4);
	}

	/** Redis time (milliseconds) after which a script sent now must not run. */
	long deadline() {
		RedisTime time = this.redisTime;
		if (time == null || System.nanoTime() - time.readAt() >= RESAMPLE_NANOS) {
			time = readRedisTime(time);
		}
		return time.now() + this.budgetMillis;
	}

	private RedisTime readRedisTime(@Nullable RedisTime last) {
		@Nullable RedisTime time = null;
		try {
			long sent = System.nanoTime();
			Long millis = this.redis
				.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().time(TimeUnit.MILLISECONDS));
			long received = System.nanoTime();
			// A slow round trip says little about Redis's clock: keep what we had.
			if (millis != null && received - sent <= TimeUnit.MILLISECONDS.toNanos(this.budgetMillis)) {
				time = new RedisTime(millis, sent + (received - sent) / 2);
			}
		}
		catch (DataAccessException ex) {
			// Redis is away; the script that follows reports it.
		}
		if (time == null) {
			time = new RedisTime((last != null) ? last.now() : System.currentTimeMillis(), System.nanoTime());
		}
		this.redisTime = time;
		return time;
	}

	/**
	 * Redis's clock ({@code millis}) as read at {@code readAt}
	 * ({@link System#nanoTime()}).
	 */
	private record RedisTime(long millis, long readAt) {

		long now() {
			return this.millis + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.readAt);
		}

	}

}
