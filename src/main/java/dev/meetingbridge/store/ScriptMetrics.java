package dev.meetingbridge.store;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * Meters of the meeting scripts: a timer per script, the events this instance's changes
 * published by type, and failed calls.
 */
@Component
class ScriptMetrics {

	private final MeterRegistry meters;

	private final Map<MeetingScript, Timer> timers = new EnumMap<>(MeetingScript.class);

	private final Map<String, Counter> published = new ConcurrentHashMap<>();

	private final Counter errors;

	ScriptMetrics(MeterRegistry meters) {
		this.meters = meters;
		this.errors = Counter.builder("bridge.redis.script.errors")
			.description("Redis script calls that failed (Redis unreachable, timed out or refusing)")
			.register(meters);
		for (MeetingScript script : MeetingScript.values()) {
			this.timers.put(script,
					Timer.builder("bridge.redis.script")
						.description("Redis script calls (each a state change or a consistent read)")
						.tag("script", script.fileName())
						.register(meters));
		}
	}

	Timer timer(MeetingScript script) {
		return this.timers.get(script);
	}

	void failed() {
		this.errors.increment();
	}

	/** Counts the events a script published (their types). */
	void published(List<?> types) {
		types.forEach(
				(type) -> this.published
					.computeIfAbsent(String.valueOf(type),
							(name) -> Counter.builder("bridge.events.published")
								.description("Events published by this instance's changes")
								.tag("type", name)
								.register(this.meters))
					.increment());
	}

}
