package dev.meetingbridge.store;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.support.RedisCommands;
import dev.meetingbridge.support.RedisServerProcess;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A script's deadline is asked for on the thread that sends it, which may be the Redis
 * client's own: reading Redis's clock there would wait for the thread that reads the
 * answer and stall every command of the connection until its timeout. So a deadline never
 * waits for Redis; the clock is read again beside, and soon again when it could not be.
 */
class ScriptDeadlinesTests {

	@Test
	void aDeadlineIsRedisTimePlusTheBudgetAndNeverWaitsForRedis() {
		assumeTrue(RedisServerProcess.available(), "no redis-server on the PATH");
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			LettuceConnectionFactory factory = factory(redis.port());
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

	@Test
	void aClockNotReadAtStartUpIsReadWithinSecondsOfRedisReturning() {
		assumeTrue(RedisServerProcess.available(), "no redis-server on the PATH");
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			redis.kill();
			LettuceConnectionFactory factory = factory(redis.port());
			try {
				// Sampled every 30 s, and Redis away at start-up.
				ScriptDeadlines deadlines = new ScriptDeadlines(new StringRedisTemplate(factory), 1_500,
						Duration.ofSeconds(30));
				deadlines.afterSingletonsInstantiated();
				redis.startProcess();
				LettuceConnectionFactory inspector = factory(redis.port());
				try {
					await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
						deadlines.deadline();
						assertThat(timeCalls(inspector)).isPositive();
					});
				}
				finally {
					inspector.destroy();
				}
			}
			finally {
				factory.destroy();
			}
		}
	}

	private static LettuceConnectionFactory factory(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(10)).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** How many TIME commands Redis ran, read over the inspector's connection. */
	private static long timeCalls(LettuceConnectionFactory inspector) {
		try (RedisConnection connection = inspector.getConnection()) {
			Properties stats = connection.serverCommands().info("commandstats");
			String time = (stats != null) ? stats.getProperty("cmdstat_time") : null;
			return (time != null) ? Long.parseLong(time.replaceAll("^calls=(\\d+),.*$", "$1")) : 0;
		}
	}

	private static long redisTime(StringRedisTemplate template) {
		Long millis = template
			.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().time(TimeUnit.MILLISECONDS));
		assertThat(millis).isNotNull();
		return millis;
	}

}
