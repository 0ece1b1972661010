package dev.meetingbridge.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.config.BridgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Runs the meeting scripts. Each is the shared prelude (keys, sequencing, history, publish)
 * followed by the script's own file, so every state change sequences, records and publishes its
 * events atomically.
 * <p>
 * Each script also carries a deadline. A command that timed out here is still in Redis's input
 * (a frozen or stalled Redis runs it when it resumes), yet its caller was told that nothing
 * changed; past the deadline the prelude refuses, so a refused request never takes effect later.
 */
@Component
public class MeetingScripts {

	@SuppressWarnings("rawtypes")
	private final Map<MeetingScript, RedisScript<List>> scripts = new EnumMap<>(MeetingScript.class);

	@SuppressWarnings("rawtypes")
	private final RedisScript<String> claimLink;

	private final RedisScript<Long> releaseLink;

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final Clock clock;

	private final String maxEvents;

	private final RedisScript<Long> chatRate;

	private final boolean cluster;

	private static final long CLOCK_RESAMPLE_NANOS = TimeUnit.SECONDS.toNanos(30);

	/** How long after it was sent a script may still start: most of the command timeout, so its answer arrives in time. */
	private final long budgetMillis;

	/** Redis's clock as last read, so that deadlines are in the time Redis checks them against. */
	private volatile @Nullable RedisTime redisTime;

	private final MeterRegistry meters;

	private final Map<MeetingScript, Timer> timers = new EnumMap<>(MeetingScript.class);

	private final Map<String, Counter> published = new ConcurrentHashMap<>();

	private final Counter scriptErrors;

	public MeetingScripts(StringRedisTemplate redis, RedisKeys keys, BridgeProperties properties, Clock clock,
			RedisConnectionFactory connectionFactory, MeterRegistry meters) {
		this.redis = redis;
		this.meters = meters;
		this.scriptErrors = Counter.builder("bridge.redis.script.errors")
			.description("Redis script calls that failed (Redis unreachable, timed out or refusing)")
			.register(meters);
		this.keys = keys;
		this.clock = clock;
		this.maxEvents = Integer.toString(properties.history().maxEvents());
		this.cluster = connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
		long timeout = (connectionFactory instanceof LettuceConnectionFactory lettuce)
				? lettuce.getClientConfiguration().getCommandTimeout().toMillis() : 2000;
		this.budgetMillis = Math.max(100, timeout * 3 / 4);
		// Sharded pub/sub keeps each meeting's events on the node that owns the meeting's slot.
		String prelude = read("meeting-prelude").replace("__PUBLISH__", this.cluster ? "SPUBLISH" : "PUBLISH");
		for (MeetingScript script : MeetingScript.values()) {
			// The script's own body runs as a function, so that every script also returns what it published.
			String source = prelude + "\nlocal function change()\n" + read(script.fileName())
					+ "\nend\nlocal result = change()\nreturn { result, EMITTED }\n";
			this.scripts.put(script, RedisScript.of(source, List.class));
			this.timers.put(script, Timer.builder("bridge.redis.script")
				.description("Redis script calls (each a state change or a consistent read)")
				.tag("script", script.fileName())
				.register(meters));
		}
		this.claimLink = RedisScript.of(read("claim-link"), String.class);
		this.releaseLink = RedisScript.of(read("release-link"), Long.class);
		this.chatRate = RedisScript.of(read("chat-rate"), Long.class);
	}

	/** Whether Redis is a cluster (sharded pub/sub, no pipelining across slots). */
	public boolean cluster() {
		return this.cluster;
	}

	private static String read(String name) {
		try {
			return new ClassPathResource("redis/" + name + ".lua").getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read Redis script " + name, ex);
		}
	}

	/** The current time in the contract's format, as the scripts receive it. */
	public String now() {
		return Timestamps.format(this.clock.instant());
	}

	/**
	 * Runs a meeting script. The result's first element is {@code ok} or a refusal code; the
	 * rest is the script's own.
	 */
	public ScriptResult run(MeetingScript script, String meetingId, String timestamp, String... args) {
		List<String> argv = new ArrayList<>(4 + args.length);
		argv.add(meetingId);
		argv.add(this.keys.eventChannel(meetingId));
		argv.add(this.maxEvents);
		argv.add(timestamp);
		argv.addAll(List.of(args));
		// Last, so that every script keeps its own arguments at ARGV 5 and on.
		argv.add(Long.toString(deadline()));
		Timer.Sample sample = Timer.start();
		List<?> result;
		try {
			result = this.redis.execute(this.scripts.get(script), this.keys.meetingScriptKeys(meetingId),
					argv.toArray());
		}
		catch (RuntimeException ex) {
			this.scriptErrors.increment();
			throw ex;
		}
		finally {
			sample.stop(this.timers.get(script));
		}
		if (result == null || result.size() != 2) {
			return new ScriptResult(null);
		}
		((List<?>) result.get(1)).forEach((type) -> this.published
			.computeIfAbsent(String.valueOf(type),
					(name) -> Counter.builder("bridge.events.published")
						.description("Events published by this instance's changes")
						.tag("type", name)
						.register(this.meters))
			.increment());
		ScriptResult outcome = new ScriptResult((List<?>) result.get(0));
		if (!outcome.ok() && outcome.refusal() == Refusal.EXPIRED) {
			this.scriptErrors.increment();
			throw new QueryTimeoutException("Redis started the " + script.fileName() + " script of meeting "
					+ meetingId + " after its deadline; it changed nothing");
		}
		return outcome;
	}

	/** Redis time (milliseconds) after which a script sent now must not run. */
	private long deadline() {
		RedisTime time = this.redisTime;
		if (time == null || System.nanoTime() - time.readAt() >= CLOCK_RESAMPLE_NANOS) {
			time = readRedisTime(time);
		}
		return time.now() + this.budgetMillis;
	}

	private RedisTime readRedisTime(@Nullable RedisTime last) {
		RedisTime time = null;
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

	/** Redis's clock ({@code millis}) as read at {@code readAt} ({@link System#nanoTime()}). */
	private record RedisTime(long millis, long readAt) {

		long now() {
			return this.millis + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.readAt);
		}

	}

	/** Claims the link between two meetings, or returns the connection that holds it. */
	public String claimLink(String meetingA, String meetingB, String connectionId, String replaceable) {
		return this.redis.execute(this.claimLink, List.of(this.keys.link(meetingA, meetingB)), connectionId,
				replaceable);
	}

	public void releaseLink(String meetingA, String meetingB, String connectionId) {
		this.redis.execute(this.releaseLink, List.of(this.keys.link(meetingA, meetingB)), connectionId);
	}

	/** Takes a chat token of the participant; returns 0, or the milliseconds until one is available. */
	public long takeChatToken(String participantId, int ratePerSecond, int burst) {
		Long wait = this.redis.execute(this.chatRate, List.of(this.keys.chatRate(participantId)),
				Integer.toString(ratePerSecond), Integer.toString(burst));
		return wait == null ? 0 : wait;
	}

}
