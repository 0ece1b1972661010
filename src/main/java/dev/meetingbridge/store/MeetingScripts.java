package dev.meetingbridge.store;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.config.BridgeProperties;
import io.micrometer.core.instrument.Timer;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Runs the meeting scripts. Each is the shared prelude (keys, sequencing, history,
 * publish) followed by the script's own file, so every state change sequences, records
 * and publishes its events atomically.
 * <p>
 * Each script also carries a deadline in Redis's time ({@link RedisClock}): past it the
 * prelude refuses, so a request that was refused here for a time-out never takes effect
 * later.
 */
@Component
public class MeetingScripts {

	@SuppressWarnings("rawtypes")
	private final Map<MeetingScript, RedisScript<List>> scripts = new EnumMap<>(MeetingScript.class);

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final RedisClock clock;

	private final ScriptMetrics metrics;

	private final String maxEvents;

	private final boolean cluster;

	MeetingScripts(StringRedisTemplate redis, RedisKeys keys, BridgeProperties properties, RedisClock clock,
			ScriptMetrics metrics, RedisConnectionFactory connectionFactory) {
		this.redis = redis;
		this.keys = keys;
		this.clock = clock;
		this.metrics = metrics;
		this.maxEvents = Integer.toString(properties.history().maxEvents());
		this.cluster = connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
		// Sharded pub/sub keeps each meeting's events on the node that owns the meeting's
		// slot.
		String prelude = ScriptSource.read("meeting-prelude")
			.replace("__PUBLISH__", this.cluster ? "SPUBLISH" : "PUBLISH");
		for (MeetingScript script : MeetingScript.values()) {
			// The script's own body runs as a function, so that every script also returns
			// what it published.
			String source = prelude + "\nlocal function change()\n" + ScriptSource.read(script.fileName())
					+ "\nend\nlocal result = change()\nreturn { result, EMITTED }\n";
			this.scripts.put(script, RedisScript.of(source, List.class));
		}
	}

	/** Whether Redis is a cluster (sharded pub/sub, no pipelining across slots). */
	public boolean cluster() {
		return this.cluster;
	}

	/** The current time in the contract's format, as the scripts receive it. */
	public String now() {
		return this.clock.now();
	}

	/**
	 * Runs a meeting script. The result's first element is {@code ok} or a refusal code;
	 * the rest is the script's own.
	 */
	public ScriptResult run(MeetingScript script, String meetingId, String timestamp, String... args) {
		List<String> argv = new ArrayList<>(4 + args.length);
		argv.add(meetingId);
		argv.add(this.keys.eventChannel(meetingId));
		argv.add(this.maxEvents);
		argv.add(timestamp);
		argv.addAll(List.of(args));
		// Last, so that every script keeps its own arguments at ARGV 5 and on.
		argv.add(Long.toString(this.clock.deadline()));
		Timer.Sample sample = Timer.start();
		List<?> result;
		try {
			result = this.redis.execute(this.scripts.get(script), this.keys.meetingScriptKeys(meetingId),
					argv.toArray());
		}
		catch (RuntimeException ex) {
			this.metrics.failed();
			throw ex;
		}
		finally {
			sample.stop(this.metrics.timer(script));
		}
		if (result == null || result.size() != 2) {
			return new ScriptResult(null);
		}
		this.metrics.published((List<?>) result.get(1));
		ScriptResult outcome = new ScriptResult((List<?>) result.get(0));
		if (!outcome.ok() && outcome.refusal() == Refusal.EXPIRED) {
			this.metrics.failed();
			throw new QueryTimeoutException("Redis started the " + script.fileName() + " script of meeting " + meetingId
					+ " after its deadline; it changed nothing");
		}
		return outcome;
	}

}
