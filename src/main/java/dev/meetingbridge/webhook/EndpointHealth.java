package dev.meetingbridge.webhook;

import java.time.Clock;

import dev.meetingbridge.config.WebhookEndpoint;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An endpoint's health (ok or failing, with its last error) as every instance records it
 * in Redis: written when this instance sees it change, and logged only when this
 * instance's attempt changed it, so that a failing endpoint logs once across instances.
 */
final class EndpointHealth {

	private static final Logger logger = LoggerFactory.getLogger(EndpointHealth.class);

	private final WebhookEndpoint endpoint;

	private final WebhookStore store;

	private final Clock clock;

	/** The health as this instance last recorded it (null: not yet). */
	private volatile @Nullable String recorded;

	EndpointHealth(WebhookEndpoint endpoint, WebhookStore store, Clock clock) {
		this.endpoint = endpoint;
		this.store = store;
		this.clock = clock;
	}

	void record(WebhookClient.Attempt attempt) {
		String state = attempt.outcome().retried() ? "failing" : "ok";
		String error = (attempt.outcome() == WebhookClient.Outcome.SUCCESS) ? null : attempt.error();
		if (state.equals(this.recorded) && error == null) {
			return;
		}
		String old = this.store.health(this.endpoint, state, error, this.clock.millis());
		this.recorded = state;
		if (!old.equals(state)) {
			if ("failing".equals(state)) {
				logger.warn("Webhook endpoint {} is failing ({}); its events are retried with back-off", this.endpoint,
						attempt.error());
			}
			else {
				logger.info("Webhook endpoint {} recovered", this.endpoint);
			}
		}
	}

}
