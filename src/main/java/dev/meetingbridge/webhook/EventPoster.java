package dev.meetingbridge.webhook;

import java.time.Clock;
import java.util.function.BooleanSupplier;

import dev.meetingbridge.config.WebhookEndpoint;
import dev.meetingbridge.store.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts a meeting's pending events to one endpoint, in sequence order, each after the
 * previous one succeeded or was dropped, for as long as this instance holds the meeting's
 * lease and the endpoint takes them; a refusal worth retrying schedules the meeting's
 * next attempt after a back-off.
 */
final class EventPoster {

	private static final Logger logger = LoggerFactory.getLogger(EventPoster.class);

	/**
	 * At most one line per this interval for drops, and one for events-skipped notices.
	 */
	private static final long LOG_INTERVAL_MILLIS = 10_000;

	private final WebhookEndpoint endpoint;

	private final WebhookStore store;

	private final WebhookClient client;

	private final WebhookMetrics metrics;

	private final Clock clock;

	private final RetryBackoff backoff;

	private final WebhookSigner signer;

	private final EndpointHealth health;

	private final BooleanSupplier running;

	private final QuietLog droppedLog;

	private final QuietLog skippedLog;

	EventPoster(WebhookEndpoint endpoint, WebhookStore store, WebhookClient client, WebhookMetrics metrics, Clock clock,
			RetryBackoff backoff, BooleanSupplier running) {
		this.endpoint = endpoint;
		this.store = store;
		this.client = client;
		this.metrics = metrics;
		this.clock = clock;
		this.backoff = backoff;
		this.running = running;
		this.signer = new WebhookSigner(endpoint.key());
		this.health = new EndpointHealth(endpoint, store, clock);
		this.droppedLog = new QuietLog(clock, LOG_INTERVAL_MILLIS);
		this.skippedLog = new QuietLog(clock, LOG_INTERVAL_MILLIS);
	}

	/** Delivers the meeting's pending events while the lease is ours. */
	void deliver(String meetingId) {
		while (this.running.getAsBoolean()) {
			if (!(this.store.claim(this.endpoint, meetingId) instanceof WebhookStore.Batch batch)) {
				return;
			}
			if (batch.skippedFrom() > 0) {
				if (!deliverSkipped(meetingId, batch)) {
					return;
				}
				continue;
			}
			if (!deliverBatch(meetingId, batch)) {
				return;
			}
		}
	}

	/** True when the whole batch was taken or dropped and acknowledged. */
	private boolean deliverBatch(String meetingId, WebhookStore.Batch batch) {
		String epoch = batch.epoch();
		long attempts = batch.attempts();
		long done = -1;
		for (int i = 0; i < batch.events().size(); i++) {
			String json = batch.events().get(i);
			String type = EventHead.field(json, "type");
			long sequence = Long.parseLong(EventHead.number(json, "sequence"));
			long recorded = EventHead.recorded(json);
			if (!this.endpoint.wants(type)) {
				done = sequence;
				continue;
			}
			String id = meetingId + ":" + epoch + ":" + sequence;
			String body = "{\"type\":\"" + type + "\",\"timestamp\":\"" + EventHead.field(json, "timestamp")
					+ "\",\"data\":" + json + "}";
			WebhookClient.Attempt attempt = post(id, body);
			if (attempt.outcome().retried()) {
				this.store.retry(this.endpoint, meetingId, this.backoff.after(attempts + 1, attempt.retryAfter()));
				return false;
			}
			if (attempt.outcome() == WebhookClient.Outcome.SUCCESS) {
				this.metrics.delivered(recorded, this.clock.millis());
			}
			else {
				dropped(id, attempt);
			}
			attempts = 0;
			long nextSince = (i + 1 < batch.events().size()) ? nextRecorded(batch, i + 1, recorded) : recorded;
			if (!this.store.ack(this.endpoint, meetingId, epoch, sequence, nextSince)) {
				return false;
			}
			done = -1;
		}
		if (batch.events().isEmpty()) {
			done = batch.latest();
		}
		return done < 0 || this.store.ack(this.endpoint, meetingId, epoch, done, this.clock.millis());
	}

	private static long nextRecorded(WebhookStore.Batch batch, int index, long fallback) {
		long next = EventHead.recorded(batch.events().get(index));
		return (next > 0) ? next : fallback;
	}

	/**
	 * Tells the endpoint what fell out of the history before it had it; true when that
	 * was taken.
	 */
	private boolean deliverSkipped(String meetingId, WebhookStore.Batch batch) {
		String id = meetingId + ":" + batch.epoch() + ":" + batch.skippedFrom() + "-" + batch.skippedTo();
		String body = "{\"type\":\"events-skipped\",\"timestamp\":\"" + Timestamps.format(this.clock.instant())
				+ "\",\"data\":{\"meetingId\":\"" + meetingId + "\",\"epoch\":\"" + batch.epoch()
				+ "\",\"fromSequence\":" + batch.skippedFrom() + ",\"toSequence\":" + batch.skippedTo() + "}}";
		WebhookClient.Attempt attempt = post(id, body);
		if (attempt.outcome().retried()) {
			this.store.retry(this.endpoint, meetingId, this.backoff.after(batch.attempts() + 1, attempt.retryAfter()));
			return false;
		}
		if (attempt.outcome() != WebhookClient.Outcome.SUCCESS) {
			dropped(id, attempt);
		}
		this.metrics.skipped(batch.skippedTo() - batch.skippedFrom() + 1);
		this.skippedLog.note((unlogged) -> logger.warn(
				"Webhook endpoint {} missed events {} to {} of meeting {} (epoch {}): told as events-skipped{}",
				this.endpoint, batch.skippedFrom(), batch.skippedTo(), meetingId, batch.epoch(), more(unlogged)));
		return this.store.ack(this.endpoint, meetingId, batch.epoch(), batch.skippedTo(), this.clock.millis());
	}

	private WebhookClient.Attempt post(String id, String body) {
		long timestamp = this.clock.millis() / 1000;
		String signature = this.signer.sign(id, timestamp, body);
		WebhookClient.Attempt attempt = this.client.post(id, timestamp, signature, body).block();
		if (attempt == null) {
			attempt = new WebhookClient.Attempt(WebhookClient.Outcome.CONNECTION_ERROR, 0, null, "no answer");
		}
		this.metrics.attempt(attempt.outcome());
		this.health.record(attempt);
		return attempt;
	}

	private void dropped(String id, WebhookClient.Attempt attempt) {
		this.metrics.dropped();
		this.droppedLog
			.note((unlogged) -> logger.warn("Webhook endpoint {} refused {} ({}): that event is dropped for it{}",
					this.endpoint, id, attempt.error(), more(unlogged)));
	}

	private static String more(long unlogged) {
		return (unlogged > 0) ? " (and " + unlogged + " more since the last such line)" : "";
	}

}
