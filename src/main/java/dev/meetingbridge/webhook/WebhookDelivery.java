package dev.meetingbridge.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.config.WebhookEndpoint;
import dev.meetingbridge.config.WebhookEndpoints;
import dev.meetingbridge.store.RecordedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * This instance's webhook lanes, one per endpoint. An event recorded here starts its
 * delivery at once; the schedule's sweep finds the rest (retries, other instances'
 * events, meetings whose deliverer died).
 */
@Component
class WebhookDelivery implements RecordedEvents {

	private static final Logger logger = LoggerFactory.getLogger(WebhookDelivery.class);

	private final List<WebhookLane> lanes = new ArrayList<>();

	private final Duration timeout;

	private final ExecutorService workers = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-", 0).factory());

	WebhookDelivery(WebhookEndpoints endpoints, WebhookStore store, BridgeProperties properties, MeterRegistry meters,
			Clock clock) {
		BridgeProperties.Webhooks webhooks = properties.webhooks();
		this.timeout = webhooks.timeout();
		for (WebhookEndpoint endpoint : endpoints.all()) {
			WebhookClient client = new WebhookClient(endpoint, webhooks.timeout(), webhooks.maxInFlight());
			this.lanes.add(new WebhookLane(endpoint, store, client, new WebhookMetrics(meters, endpoint), clock,
					this.workers, webhooks));
		}
	}

	List<WebhookLane> lanes() {
		return this.lanes;
	}

	@Override
	public void recorded(String meetingId, List<?> eventTypes) {
		for (WebhookLane lane : this.lanes) {
			for (Object type : eventTypes) {
				if (lane.endpoint().wants(String.valueOf(type))) {
					lane.kick(meetingId);
					break;
				}
			}
		}
	}

	/**
	 * Stops every lane: deliveries under way end after their current attempt (at most the
	 * time-out) and give their leases up.
	 */
	void stop() {
		for (WebhookLane lane : this.lanes) {
			lane.stop();
		}
		this.workers.shutdown();
		try {
			if (!this.workers.awaitTermination(this.timeout.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
				logger.warn("Webhook deliveries still under way at shutdown: their leases run out");
				this.workers.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.workers.shutdownNow();
		}
		for (WebhookLane lane : this.lanes) {
			lane.close();
		}
	}

}
