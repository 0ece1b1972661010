package dev.meetingbridge.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.support.RedisCommands;
import dev.meetingbridge.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A script's deadline is asked for on the thread that sends it, which may be the Redis
 * client's own: reading Redis's clock there would wait for the thread that reads the
 * answer and stall every command of the connection until its timeout. So a deadline never
 * waits for Redis; the clock is read again beside.
 */
class ScriptDeadlinesTests {

	@Test
	void aDeadlineIsRedisTimePlusTheBudgetAndNeverWaitsForRedis() {
		assumeTrue(RedisServerProcess.available(), "no redis-server on the PATH");
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", redis.port()),
					LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(10)).build());
			factory.afterPropertiesSet();
			factory.start();
			try {
				StringRedisTemplate template = new StringRedisTemplate(factory);
				// Every deadline finds the sample due for renewal.
				ScriptDeadlines deadlines = new ScriptDeadlines(template, 1_500, Duration.ZERO);
				deadlines.afterSingletonsInstantiated();
				long before = redisTime(template);
				long deadline = deadlines.deadline();
				long after = redisTime(template);
				assertThat(deadline).isBetween(before + 1_500 - 250, after + 1_500 + 250);

				// Redis answers nobody for 6 s: a deadline is still given at once, from
				// the clock as last read (as exact as its round trip), advanced by this
				// JVM's.
				RedisCommands.run("127.0.0.1", redis.port(), "CLIENT", "PAUSE", "6000", "ALL");
				List<Long> meanwhile = assertTimeoutPreemptively(Duration.ofSeconds(3),
						() -> List.of(deadlines.deadline(), deadlines.deadline()));
				assertThat(meanwhile)
					.allSatisfy((later) -> assertThat(later).isBetween(deadline - 250, deadline + 3_000));
			}
			finally {
				factory.destroy();
			}
		}
	}

	private static long redisTime(StringRedisTemplate template) {
		Long millis = template
			.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().time(TimeUnit.MILLISECONDS));
		assertThat(millis).isNotNull();
		return millis;
	}

}
