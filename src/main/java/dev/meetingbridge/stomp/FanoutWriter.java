package dev.meetingbridge.stomp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import dev.meetingbridge.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fan-out writer thread: hands each event's frame to the outboxes of its share of the
 * subscribers. When events arrive faster than it writes, it takes up to {@link #COMBINED}
 * waiting events at once and flushes each outbox only after all of them, so a session gets the
 * frames of several events in one WebSocket message and one write; when it keeps up, every event
 * is flushed at once, as before.
 */
final class FanoutWriter {

	private static final Logger logger = LoggerFactory.getLogger(FanoutWriter.class);

	/** The most waiting events written before the outboxes are flushed. */
	static final int COMBINED = 32;

	/** An event's frame for some of its subscribers ({@code share} of them: one writer's). */
	record Delivery(StompFrames.MessageFrame frame, List<Subscription> subscriptions, EventType type,
			String eventTimestamp, FanoutMetrics.Shares shares) {
	}

	private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

	private final FanoutMetrics metrics;

	private final Thread thread;

	FanoutWriter(String name, FanoutMetrics metrics) {
		this.metrics = metrics;
		this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
	}

	void submit(Delivery delivery) {
		this.deliveries.add(delivery);
	}

	void stop() {
		this.thread.interrupt();
	}

	private void run() {
		List<OutboxSession> toFlush = new ArrayList<>();
		List<Delivery> written = new ArrayList<>(COMBINED);
		while (!Thread.currentThread().isInterrupted()) {
			try {
				Delivery delivery = this.deliveries.take();
				do {
					write(delivery, toFlush);
					written.add(delivery);
				}
				while (written.size() < COMBINED && (delivery = this.deliveries.poll()) != null);
				for (OutboxSession outbox : toFlush) {
					outbox.flush();
				}
				for (Delivery done : written) {
					this.metrics.handedOn(done.shares());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				logger.error("Fan-out writer failed; it goes on with the next event", ex);
			}
			finally {
				toFlush.clear();
				written.clear();
			}
		}
	}

	private void write(Delivery delivery, List<OutboxSession> toFlush) {
		int delivered = 0;
		for (Subscription subscription : delivery.subscriptions()) {
			if (!subscription.cancelled()) {
				OutboxSession outbox = subscription.session().outbox();
				if (outbox.append(delivery.frame().forSubscription(subscription))) {
					toFlush.add(outbox);
				}
				delivered++;
			}
		}
		this.metrics.delivered(delivery.type(), delivered, delivery.eventTimestamp());
	}

}
