package dev.meetingbridge.chat;

import java.time.Duration;
import java.util.List;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.ScriptSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The per-participant chat rate ({@code bridge.chat.rate-per-second}, {@code burst}): a
 * token bucket in Redis ({@code chat-rate.lua}), shared by every instance.
 */
@Component
class ChatRateLimit {

	private final RedisScript<Long> chatRate = RedisScript.of(ScriptSource.read("chat-rate"), Long.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final String ratePerSecond;

	private final String burst;

	private final Counter rateLimited;

	ChatRateLimit(StringRedisTemplate redis, RedisKeys keys, BridgeProperties properties, MeterRegistry meters) {
		this.redis = redis;
		this.keys = keys;
		this.ratePerSecond = Integer.toString(properties.chat().ratePerSecond());
		this.burst = Integer.toString(properties.chat().burst());
		this.rateLimited = Counter.builder("bridge.chat.rate.limited")
			.description("Chat messages refused by the per-participant rate limit")
			.register(meters);
	}

	/**
	 * Takes a chat token of the sender, or refuses with {@code rate-limited} and when to
	 * retry.
	 */
	void take(ParticipantId sender) {
		Long wait = this.redis.execute(this.chatRate, List.of(this.keys.chatRate(sender.value())), this.ratePerSecond,
				this.burst);
		if (wait != null && wait > 0) {
			this.rateLimited.increment();
			throw new BridgeException(Problem.RATE_LIMITED, "Participant " + sender + " is sending chat too fast",
					List.of(), Duration.ofMillis(wait));
		}
	}

}
