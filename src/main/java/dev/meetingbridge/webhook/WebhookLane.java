package dev.meetingbridge.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.config.WebhookEndpoint;
import dev.meetingbridge.store.Timestamps;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * One endpoint's deliveries on this instance: at most {@code max-in-flight} meetings at
 * once, each by one worker that holds the meeting's lease and posts its events one after
 * the other, each after the previous one succeeded or was dropped.
 */
final class WebhookLane {

	private static final Logger logger = LoggerFactory.getLogger(WebhookLane.class);

	/**
	 * Meetings waiting locally for a free worker; beyond it the schedule's sweep finds
	 * them.
	 */
	private static final int MAX_WAITING = 10_000;

	/**
	 * At most one line per this interval for drops, and one for events-skipped notices.
	 */
	private static final long LOG_INTERVAL_MILLIS = 10_000;

	private final WebhookEndpoint endpoint;

	private final WebhookStore store;

	private final WebhookClient client;

	private final WebhookMetrics metrics;

	private final Clock clock;

	private final Executor executor;

	private final Duration backoffMin;

	private final Duration backoffMax;

	private final Semaphore permits;

	private final WebhookSigner signer;

	private final QuietLog droppedLog;

	private final QuietLog skippedLog;

	/** Meetings with a worker here, each with whether it was asked to look again. */
	private final Map<String, AtomicBoolean> active = new ConcurrentHashMap<>();

	private final Set<String> waiting = new LinkedHashSet<>();

	/** The endpoint's health as this instance last recorded it (null: not yet). */
	private volatile @Nullable String health;

	private volatile boolean running = true;

	WebhookLane(WebhookEndpoint endpoint, WebhookStore store, WebhookClient client, WebhookMetrics metrics, Clock clock,
			Executor executor, BridgeProperties.Webhooks properties) {
		this.endpoint = endpoint;
		this.store = store;
		this.client = client;
		this.metrics = metrics;
		this.clock = clock;
		this.executor = executor;
		this.backoffMin = properties.backoffMin();
		this.backoffMax = properties.backoffMax();
		this.permits = new Semaphore(properties.maxInFlight());
		this.signer = new WebhookSigner(endpoint.key());
		this.droppedLog = new QuietLog(clock, LOG_INTERVAL_MILLIS);
		this.skippedLog = new QuietLog(clock, LOG_INTERVAL_MILLIS);
	}

	WebhookEndpoint endpoint() {
		return this.endpoint;
	}

	WebhookMetrics metrics() {
		return this.metrics;
	}

	/**
	 * Makes sure a worker looks at the meeting: the one already on it looks again, or a
	 * new one starts if a permit is free; otherwise it waits for one.
	 */
	void kick(String meetingId) {
		if (!this.running) {
			return;
		}
		AtomicBoolean started = new AtomicBoolean();
		AtomicBoolean flag = this.active.compute(meetingId, (id, again) -> {
			if (again != null) {
				again.set(true);
				return again;
			}
			if (!this.permits.tryAcquire()) {
				return null;
			}
			started.set(true);
			return new AtomicBoolean();
		});
		if (started.get() && flag != null) {
			try {
				this.executor.execute(() -> work(meetingId, flag));
			}
			catch (RejectedExecutionException ex) {
				// Shutting down: the meeting stays scheduled for another instance.
				this.active.remove(meetingId, flag);
				this.permits.release();
			}
		}
		else if (flag == null) {
			synchronized (this.waiting) {
				if (this.waiting.size() < MAX_WAITING) {
					this.waiting.add(meetingId);
				}
			}
		}
	}

	private void work(String meetingId, AtomicBoolean again) {
		try {
			boolean more = true;
			while (more && this.running) {
				again.set(false);
				deliver(meetingId);
				AtomicBoolean looked = new AtomicBoolean();
				this.active.compute(meetingId, (id, flag) -> {
					if (flag != null && flag.get()) {
						looked.set(true);
						return flag;
					}
					return null;
				});
				more = looked.get();
			}
			if (!this.running) {
				// Shutting down: another instance goes on at once instead of after the
				// lease.
				this.store.release(this.endpoint, meetingId);
			}
		}
		catch (DataAccessException ex) {
			// Redis is unreachable: the meeting stays scheduled, and its lease runs out.
			logger.debug("Webhook delivery of {} to {} stopped: {}", meetingId, this.endpoint, ex.getMessage());
		}
		catch (RuntimeException ex) {
			logger.error("Webhook delivery of {} to {} failed", meetingId, this.endpoint, ex);
		}
		finally {
			this.active.remove(meetingId, again);
			this.permits.release();
			String next = null;
			synchronized (this.waiting) {
				var iterator = this.waiting.iterator();
				if (iterator.hasNext()) {
					next = iterator.next();
					iterator.remove();
				}
			}
			if (next != null) {
				kick(next);
			}
		}
	}

	/**
	 * Delivers the meeting's pending events while the lease is ours and the endpoint
	 * takes them.
	 */
	private void deliver(String meetingId) {
		while (this.running) {
			if (!(this.store.claim(this.endpoint, meetingId) instanceof WebhookStore.Batch batch)) {
				return;
			}
			String epoch = batch.epoch();
			if (batch.skippedFrom() > 0) {
				if (!deliverSkipped(meetingId, batch)) {
					return;
				}
				continue;
			}
			long attempts = batch.attempts();
			long done = -1;
			for (int i = 0; i < batch.events().size(); i++) {
				String json = batch.events().get(i);
				String type = field(json, "type");
				long sequence = Long.parseLong(number(json, "sequence"));
				String timestamp = field(json, "timestamp");
				long recorded = millis(timestamp);
				if (!this.endpoint.wants(type)) {
					done = sequence;
					continue;
				}
				String id = meetingId + ":" + epoch + ":" + sequence;
				String body = "{\"type\":\"" + type + "\",\"timestamp\":\"" + timestamp + "\",\"data\":" + json + "}";
				WebhookClient.Attempt attempt = post(id, body);
				if (attempt.outcome().retried()) {
					this.store.retry(this.endpoint, meetingId, backoff(attempts + 1, attempt.retryAfter()));
					return;
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
					return;
				}
				done = -1;
			}
			if (batch.events().isEmpty()) {
				done = batch.latest();
			}
			if (done >= 0 && !this.store.ack(this.endpoint, meetingId, epoch, done, this.clock.millis())) {
				return;
			}
		}
	}

	private static long nextRecorded(WebhookStore.Batch batch, int index, long fallback) {
		long next = millis(field(batch.events().get(index), "timestamp"));
		return (next > 0) ? next : fallback;
	}

	/**
	 * A string field of the event's head. The recording script writes every event as
	 * {@code {"type":..,"meetingId":..,"epoch":..,"sequence":..,"timestamp":..,...}}, ids
	 * and names without quotes to escape, so the head is read without parsing the rest.
	 */
	static String field(String event, String name) {
		String start = "\"" + name + "\":\"";
		int at = event.indexOf(start);
		if (at < 0) {
			return "";
		}
		int from = at + start.length();
		int end = event.indexOf('"', from);
		return (end < 0) ? "" : event.substring(from, end);
	}

	/** A number field of the event's head. */
	static String number(String event, String name) {
		String start = "\"" + name + "\":";
		int at = event.indexOf(start);
		if (at < 0) {
			return "0";
		}
		int from = at + start.length();
		int end = from;
		while (end < event.length() && Character.isDigit(event.charAt(end))) {
			end++;
		}
		return (end > from) ? event.substring(from, end) : "0";
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
			this.store.retry(this.endpoint, meetingId, backoff(batch.attempts() + 1, attempt.retryAfter()));
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
		health(attempt);
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

	/** Records the endpoint's health, and logs only when this instance changed it. */
	private void health(WebhookClient.Attempt attempt) {
		String state = attempt.outcome().retried() ? "failing" : "ok";
		String error = (attempt.outcome() == WebhookClient.Outcome.SUCCESS) ? null : attempt.error();
		if (state.equals(this.health) && error == null) {
			return;
		}
		String old = this.store.health(this.endpoint, state, error, this.clock.millis());
		this.health = state;
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

	Duration backoff(long attempt, @Nullable Duration retryAfter) {
		return backoff(attempt, retryAfter, this.backoffMin, this.backoffMax);
	}

	/**
	 * Exponential back-off with jitter: before attempt n + 1, between half and all of
	 * {@code min} x 2^(n-1), at most {@code max}; a 429's Retry-After when it says more
	 * (still at most {@code max}).
	 */
	static Duration backoff(long attempt, @Nullable Duration retryAfter, Duration backoffMin, Duration backoffMax) {
		long min = backoffMin.toMillis();
		long max = backoffMax.toMillis();
		long base = min << Math.min(30, Math.max(0, attempt - 1));
		base = Math.min(max, (base <= 0) ? max : base);
		long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
		if (retryAfter != null) {
			delay = Math.max(delay, retryAfter.toMillis());
		}
		return Duration.ofMillis(Math.min(max, delay));
	}

	private static long millis(String timestamp) {
		try {
			return Instant.parse(timestamp).toEpochMilli();
		}
		catch (DateTimeParseException ex) {
			return 0;
		}
	}

	/**
	 * Stops starting work; workers stop after their current attempt and give their leases
	 * up.
	 */
	void stop() {
		this.running = false;
	}

	/** Closes the connection pool, once the workers are done. */
	void close() {
		this.client.close();
	}

	/** Meetings this instance delivers to the endpoint now. */
	int inFlight() {
		return this.active.size();
	}

}
