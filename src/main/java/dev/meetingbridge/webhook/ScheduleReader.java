package dev.meetingbridge.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisSortedSetAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Reads every shard of the webhook schedule at once: one command per shard, all sent
 * before any answer is awaited (16,384 shards on a cluster, spread over its masters), on
 * a connection of its own so that the requests' commands never queue behind a sweep.
 */
@Component
class ScheduleReader implements DisposableBean {

	/** Commands sent before their answers are awaited. */
	private static final int CHUNK = 4096;

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final LettuceConnectionFactory connectionFactory;

	private @Nullable StatefulConnection<String, String> connection;

	ScheduleReader(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/** Members scored up to {@code max}, at most {@code limit} per key, of every key. */
	List<String> scoredUpTo(List<String> keys, long max, int limit) {
		RedisSortedSetAsyncCommands<String, String> commands = commands();
		List<String> members = new ArrayList<>();
		for (List<String> chunk : chunks(keys)) {
			List<RedisFuture<List<String>>> futures = new ArrayList<>(chunk.size());
			for (String key : chunk) {
				futures.add(commands.zrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, (double) max),
						Limit.create(0, limit)));
			}
			for (List<String> answer : await(futures)) {
				members.addAll(answer);
			}
		}
		return members;
	}

	/** How many members the keys hold, and the lowest score of any (null: none). */
	WebhookStore.Backlog count(List<String> keys) {
		RedisSortedSetAsyncCommands<String, String> commands = commands();
		long members = 0;
		List<String> nonEmpty = new ArrayList<>();
		for (List<String> chunk : chunks(keys)) {
			List<RedisFuture<Long>> sizes = new ArrayList<>(chunk.size());
			for (String key : chunk) {
				sizes.add(commands.zcard(key));
			}
			List<Long> answers = await(sizes);
			for (int i = 0; i < chunk.size(); i++) {
				members += answers.get(i);
				if (answers.get(i) > 0) {
					nonEmpty.add(chunk.get(i));
				}
			}
		}
		// Most shards are empty: only the others are asked for their lowest score.
		Long lowest = null;
		for (List<String> chunk : chunks(nonEmpty)) {
			List<RedisFuture<List<ScoredValue<String>>>> firsts = new ArrayList<>(chunk.size());
			for (String key : chunk) {
				firsts.add(commands.zrangeWithScores(key, 0, 0));
			}
			for (List<ScoredValue<String>> first : await(firsts)) {
				if (!first.isEmpty()) {
					long score = (long) first.getFirst().getScore();
					lowest = (lowest == null) ? score : Math.min(lowest, score);
				}
			}
		}
		return new WebhookStore.Backlog(members, lowest);
	}

	private static List<List<String>> chunks(List<String> keys) {
		List<List<String>> chunks = new ArrayList<>();
		for (int i = 0; i < keys.size(); i += CHUNK) {
			chunks.add(keys.subList(i, Math.min(keys.size(), i + CHUNK)));
		}
		return chunks;
	}

	private static <T> List<T> await(List<RedisFuture<T>> futures) {
		boolean answered;
		try {
			answered = LettuceFutures.awaitAll(TIMEOUT, futures.toArray(RedisFuture[]::new));
		}
		catch (RedisException ex) {
			// A read that timed out or failed: Redis is unavailable, as the operator's
			// answer says (503), not an error of the bridge.
			throw new QueryTimeoutException("Could not read the webhook schedule: " + ex.getMessage());
		}
		if (!answered) {
			throw new QueryTimeoutException("Redis did not answer the webhook schedule's reads in " + TIMEOUT);
		}
		List<T> answers = new ArrayList<>(futures.size());
		for (RedisFuture<T> future : futures) {
			try {
				answers.add(future.get());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new QueryTimeoutException("Interrupted while reading the webhook schedule");
			}
			catch (ExecutionException ex) {
				throw new QueryTimeoutException("Could not read the webhook schedule: " + ex.getCause().getMessage());
			}
		}
		return answers;
	}

	@SuppressWarnings("unchecked")
	private synchronized RedisSortedSetAsyncCommands<String, String> commands() {
		StatefulConnection<String, String> current = this.connection;
		if (current == null || !current.isOpen()) {
			if (current != null) {
				current.closeAsync();
			}
			AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
			current = (client instanceof RedisClusterClient cluster) ? cluster.connect(StringCodec.UTF8)
					: ((RedisClient) client).connect(StringCodec.UTF8);
			this.connection = current;
		}
		if (current instanceof StatefulRedisClusterConnection<String, String> cluster) {
			return cluster.async();
		}
		return ((StatefulRedisConnection<String, String>) current).async();
	}

	@Override
	public synchronized void destroy() {
		if (this.connection != null) {
			this.connection.closeAsync();
			this.connection = null;
		}
	}

}
