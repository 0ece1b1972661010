package dev.meetingbridge.webhook;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.config.WebhookEndpoint;
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

	/** Meetings waiting here for a free worker; the schedule's sweep finds any more. */
	private static final int MAX_WAITING = 10_000;

	private final WebhookEndpoint endpoint;

	private final WebhookStore store;

	private final WebhookClient client;

	private final WebhookMetrics metrics;

	private final Executor executor;

	private final Semaphore permits;

	private final EventPoster poster;

	/** Meetings with a worker here, each with whether it was asked to look again. */
	private final Map<String, AtomicBoolean> active = new ConcurrentHashMap<>();

	private final Set<String> waiting = new LinkedHashSet<>();

	private volatile boolean running = true;

	WebhookLane(WebhookEndpoint endpoint, WebhookStore store, WebhookClient client, WebhookMetrics metrics, Clock clock,
			Executor executor, BridgeProperties.Webhooks properties) {
		this.endpoint = endpoint;
		this.store = store;
		this.client = client;
		this.metrics = metrics;
		this.executor = executor;
		this.permits = new Semaphore(properties.maxInFlight());
		this.poster = new EventPoster(endpoint, store, client, metrics, clock,
				new RetryBackoff(properties.backoffMin(), properties.backoffMax()), () -> this.running);
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
				this.poster.deliver(meetingId);
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
				// Shutting down: another instance takes the meeting over at once, not
				// after the lease ran out.
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
	 * Stops starting work; workers stop after their current attempt and give up their
	 * leases.
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
