package dev.meetingbridge.chat;

import java.time.Duration;
import java.util.List;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.store.ScriptSource;
import dev.meetingbridge.store.StoreAccess;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The per-participant chat rate ({@code bridge.chat.rate-per-second}, {@code burst}): a
 * token bucket in Redis beside the sender's meeting, shared by every instance. The script
 * that reads the sending side of a message takes the token ({@code chat-sender.lua});
 * this class holds the settings, refuses and gives a token back.
 */
@Component
class ChatRateLimit {

	private final RedisScript<Long> giveBack = RedisScript.of(ScriptSource.read("chat-rate"), Long.class);

	private final StoreAccess store;

	private final String ratePerSecond;

	private final String burst;

	private final Counter rateLimited;

	ChatRateLimit(StoreAccess store, BridgeProperties properties, MeterRegistry meters) {
		this.store = store;
		this.ratePerSecond = Integer.toString(properties.chat().ratePerSecond());
		this.burst = Integer.toString(properties.chat().burst());
		this.rateLimited = Counter.builder("bridge.chat.rate.limited")
			.description("Chat messages refused by the per-participant rate limit")
			.register(meters);
	}

	String bucket(MeetingId meetingId, ParticipantId sender) {
		return this.store.keys().chatRate(meetingId.value(), sender.value());
	}

	String ratePerSecond() {
		return this.ratePerSecond;
	}

	String burst() {
		return this.burst;
	}

	/**
	 * Refuses with {@code rate-limited} and when to retry, when the sender had no token
	 * left.
	 */
	void refuseIfWaiting(ParticipantId sender, long waitMillis) {
		if (waitMillis > 0) {
			this.rateLimited.increment();
			throw new BridgeException(Problem.RATE_LIMITED, "Participant " + sender + " is sending chat too fast",
					List.of(), Duration.ofMillis(waitMillis));
		}
	}

	/** Gives back the token of a message that was refused or answered as a repeat. */
	void giveBack(MeetingId meetingId, ParticipantId sender) {
		this.store.redis().execute(this.giveBack, List.of(bucket(meetingId, sender)), this.burst);
	}

}
