package dev.meetingbridge.stomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.meetingbridge.event.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the fan-out on one Netty event loop, to the sockets that loop serves. Events are
 * handed over in routing order and written in that order; each subscriber's frame is
 * written without a flush, and every socket written to is flushed once after all events
 * waiting at that moment (up to {@link #BATCH} of them). At a steady rate that is one
 * event and one flush per socket; when events arrive faster than they are written, a
 * socket gets several events in one write.
 */
final class LoopWriter {

	private static final Logger logger = LoggerFactory.getLogger(LoopWriter.class);

	/** The most events written before the sockets are flushed. */
	static final int BATCH = 32;

	/** An event's frame for the subscribers this loop serves. */
	record Delivery(StompFrames.MessageFrame frame, List<Subscription> subscriptions, EventType type,
			String eventTimestamp, FanoutMetrics.Shares handedOn) {
	}

	private final EventLoop loop;

	private final FanoutMetrics metrics;

	private final Queue<Delivery> waiting = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	/** Sockets written since the last flush; only touched on the loop. */
	private final List<StompSession> toFlush = new ArrayList<>();

	private final List<Delivery> written = new ArrayList<>(BATCH);

	LoopWriter(EventLoop loop, FanoutMetrics metrics) {
		this.loop = loop;
		this.metrics = metrics;
	}

	/**
	 * From the routing thread: the delivery is written on the loop, after those submitted
	 * before.
	 */
	void submit(Delivery delivery) {
		this.waiting.add(delivery);
		if (this.scheduled.compareAndSet(false, true)) {
			this.loop.execute(this::drain);
		}
	}

	private void drain() {
		this.scheduled.set(false);
		try {
			Delivery delivery;
			while (this.written.size() < BATCH && (delivery = this.waiting.poll()) != null) {
				this.written.add(delivery);
				try {
					write(delivery);
				}
				catch (RuntimeException ex) {
					logger.error("The fan-out of a {} event failed; its subscribers here reconnect and reload "
							+ "(4000 resync)", delivery.type().wireName(), ex);
					endAll(delivery);
				}
			}
		}
		finally {
			// Also after a failure: a session left marked would never be flushed again.
			for (StompSession session : this.toFlush) {
				session.flushed();
			}
			this.toFlush.clear();
			this.written.forEach((done) -> this.metrics.handedOn(done.handedOn()));
			this.written.clear();
		}
		if (!this.waiting.isEmpty() && this.scheduled.compareAndSet(false, true)) {
			this.loop.execute(this::drain);
		}
	}

	/**
	 * A delivery failed outside any one subscriber's write: none of its subscribers can
	 * be sure it got the event, so each session that can still be named ends.
	 */
	private static void endAll(Delivery delivery) {
		List<Subscription> subscriptions = delivery.subscriptions();
		for (int i = 0; i < subscriptions.size(); i++) {
			try {
				subscriptions.get(i).session().end(SessionEnd.RESYNC);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not end a session of a failed fan-out: {}", ex.getMessage());
			}
		}
	}

	/**
	 * Writes the event to each subscription. One that cannot be written to ends its
	 * session with 4000 {@code resync} (its client reconnects and reloads rather than go
	 * on without the event); the others still get it.
	 */
	private void write(Delivery delivery) {
		int delivered = 0;
		for (Subscription subscription : delivery.subscriptions()) {
			if (subscription.cancelled()) {
				continue;
			}
			StompSession session = subscription.session();
			try {
				ByteBuf frame = delivery.frame().forSubscription(session.channel().alloc(), subscription);
				if (session.write(frame)) {
					delivered++;
					if (session.markToFlush()) {
						this.toFlush.add(session);
					}
				}
			}
			catch (RuntimeException ex) {
				logger.error("Could not write {} to {}; it reconnects and reloads (4000 resync)",
						delivery.type().wireName(), session, ex);
				session.end(SessionEnd.RESYNC);
			}
		}
		this.metrics.delivered(delivery.type(), delivered, delivery.eventTimestamp());
	}

}
