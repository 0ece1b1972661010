package dev.meetingbridge.stomp;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.meetingbridge.event.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What an operator watches of the fan-out: sessions, subscriptions, deliveries and how
 * late they are.
 */
final class FanoutMetrics {

	private final Map<EventType, Counter> delivered = new EnumMap<>(EventType.class);

	private final Map<EventType, Counter> received = new EnumMap<>(EventType.class);

	private final Timer latency;

	private final Timer fanout;

	private final Map<SessionEnd, Counter> sessionsEnded = new EnumMap<>(SessionEnd.class);

	FanoutMetrics(MeterRegistry meters, Supplier<Number> sessions, Supplier<Number> subscriptions,
			Supplier<Number> meetings) {
		Gauge.builder("bridge.stomp.sessions", sessions)
			.description("Open STOMP sessions on this instance")
			.register(meters);
		Gauge.builder("bridge.stomp.subscriptions", subscriptions)
			.description("Live meeting-topic subscriptions on this instance")
			.register(meters);
		Gauge.builder("bridge.stomp.listened.meetings", meetings)
			.description("Meetings whose events this instance receives from Redis")
			.register(meters);
		for (EventType type : EventType.values()) {
			this.delivered.put(type,
					Counter.builder("bridge.events.delivered")
						.description("Event frames written to local subscribers")
						.tag("type", type.wireName())
						.register(meters));
			this.received.put(type,
					Counter.builder("bridge.events.received")
						.description("Events this instance received from Redis and fanned out")
						.tag("type", type.wireName())
						.register(meters));
		}
		this.fanout = Timer.builder("bridge.events.fanout")
			.description("From an event's arrival from Redis until the last local subscriber's frame "
					+ "was handed to its socket")
			.publishPercentiles(0.5, 0.99)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofNanos(100_000))
			.maximumExpectedValue(Duration.ofSeconds(10))
			.register(meters);
		this.latency = Timer.builder("bridge.events.delivery.latency")
			.description("From the change in Redis to its frames written, per writer")
			.publishPercentiles(0.5, 0.99)
			.register(meters);
		for (SessionEnd end : SessionEnd.values()) {
			this.sessionsEnded.put(end,
					Counter.builder("bridge.stomp.sessions.closed")
						.description("STOMP sessions the bridge closed itself, by reason")
						.tag("reason", end.reason())
						.register(meters));
		}
	}

	void received(EventType type) {
		this.received.get(type).increment();
	}

	void delivered(EventType type, int frames, String eventTimestamp) {
		this.delivered.get(type).increment(frames);
		try {
			Duration late = Duration.between(Instant.parse(eventTimestamp), Instant.now());
			this.latency.record(late.isNegative() ? Duration.ZERO : late);
		}
		catch (DateTimeParseException ex) {
			// Not one of ours: nothing to measure.
		}
	}

	/**
	 * One writer handed its share of an event's frames to the sockets; the last one to do
	 * so records how long the event took from its arrival.
	 */
	void handedOn(Shares shares) {
		if (shares.remaining.decrementAndGet() == 0) {
			this.fanout.record(System.nanoTime() - shares.receivedAt, TimeUnit.NANOSECONDS);
		}
	}

	/** The writers' shares of one event's fan-out that are still to be handed on. */
	static final class Shares {

		private final long receivedAt;

		private final AtomicInteger remaining;

		Shares(long receivedAt, int writers) {
			this.receivedAt = receivedAt;
			this.remaining = new AtomicInteger(writers);
		}

	}

	void sessionEnded(SessionEnd end) {
		this.sessionsEnded.get(end).increment();
	}

}
