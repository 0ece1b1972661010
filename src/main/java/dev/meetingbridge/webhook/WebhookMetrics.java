package dev.meetingbridge.webhook;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.meetingbridge.config.WebhookEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * One endpoint's {@code bridge_webhooks_*} meters: attempts by outcome, events delivered,
 * dropped and skipped, the lag from recording to delivery, and the backlog (meetings
 * pending and the age of the oldest pending event) as last counted.
 */
final class WebhookMetrics {

	private final String endpoint;

	private final Map<WebhookClient.Outcome, Counter> attempts = new EnumMap<>(WebhookClient.Outcome.class);

	private final Counter delivered;

	private final Counter dropped;

	private final Counter skipped;

	private final Timer lag;

	private final AtomicReference<WebhookStore.Backlog> backlog = new AtomicReference<>(
			new WebhookStore.Backlog(0, null));

	private volatile long nowMillis = System.currentTimeMillis();

	WebhookMetrics(MeterRegistry meters, WebhookEndpoint endpoint) {
		this.endpoint = endpoint.safeUrl();
		for (WebhookClient.Outcome outcome : WebhookClient.Outcome.values()) {
			this.attempts.put(outcome,
					Counter.builder("bridge.webhooks.attempts")
						.description("Delivery attempts by outcome")
						.tag("endpoint", this.endpoint)
						.tag("outcome", outcome.tag())
						.register(meters));
		}
		this.delivered = Counter.builder("bridge.webhooks.delivered")
			.description("Events an endpoint accepted")
			.tag("endpoint", this.endpoint)
			.register(meters);
		this.dropped = Counter.builder("bridge.webhooks.dropped")
			.description("Events dropped because the endpoint refused them (an answer other than 2xx, 408, 429, 5xx)")
			.tag("endpoint", this.endpoint)
			.register(meters);
		this.skipped = Counter.builder("bridge.webhooks.skipped")
			.description("Events that fell out of the history before the endpoint had them (told as events-skipped)")
			.tag("endpoint", this.endpoint)
			.register(meters);
		this.lag = Timer.builder("bridge.webhooks.lag")
			.description("From an event's recording to the endpoint's acceptance")
			.tag("endpoint", this.endpoint)
			.publishPercentiles(0.5, 0.99)
			.register(meters);
		Gauge.builder("bridge.webhooks.pending.meetings", this.backlog, (value) -> value.get().pendingMeetings())
			.description("Meetings with events not yet delivered to the endpoint")
			.tag("endpoint", this.endpoint)
			.register(meters);
		Gauge.builder("bridge.webhooks.oldest.pending", this, WebhookMetrics::oldestPendingSeconds)
			.description("Seconds the oldest event not yet delivered to the endpoint has waited")
			.tag("endpoint", this.endpoint)
			.baseUnit("seconds")
			.register(meters);
	}

	void attempt(WebhookClient.Outcome outcome) {
		this.attempts.get(outcome).increment();
	}

	void delivered(long recordedMillis, long nowMillis) {
		this.delivered.increment();
		if (recordedMillis > 0) {
			this.lag.record(Duration.ofMillis(Math.max(0, nowMillis - recordedMillis)));
		}
	}

	void dropped() {
		this.dropped.increment();
	}

	void skipped(long events) {
		this.skipped.increment(events);
	}

	void backlog(WebhookStore.Backlog backlog, long nowMillis) {
		this.backlog.set(backlog);
		this.nowMillis = nowMillis;
	}

	private double oldestPendingSeconds() {
		Long since = this.backlog.get().oldestSinceMillis();
		return (since == null) ? 0 : Math.max(0, this.nowMillis - since) / 1000.0;
	}

}
