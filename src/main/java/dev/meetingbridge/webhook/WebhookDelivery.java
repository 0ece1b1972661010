package dev.meetingbridge.webhook;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.config.WebhookEndpoint;
import dev.meetingbridge.config.WebhookEndpoints;
import dev.meetingbridge.store.RecordedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * This instance's webhook lanes, one per endpoint. An event recorded here starts its
 * delivery at once; the schedule's sweep finds the rest (retries, other instances'
 * events, meetings whose deliverer died).
 */
@Component
class WebhookDelivery implements RecordedEvents {

	private final List<WebhookLane> lanes = new ArrayList<>();

	private final ExecutorService workers = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-", 0).factory());

	WebhookDelivery(WebhookEndpoints endpoints, WebhookStore store, BridgeProperties properties, MeterRegistry meters,
			JsonMapper json, Clock clock) {
		BridgeProperties.Webhooks webhooks = properties.webhooks();
		for (WebhookEndpoint endpoint : endpoints.all()) {
			WebhookClient client = new WebhookClient(endpoint, webhooks.timeout(), webhooks.maxInFlight());
			this.lanes.add(new WebhookLane(endpoint, store, client, new WebhookMetrics(meters, endpoint), json, clock,
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

	/** Stops every lane; deliveries under way end after their current attempt. */
	void stop() {
		for (WebhookLane lane : this.lanes) {
			lane.stop();
		}
		this.workers.shutdownNow();
	}

}
