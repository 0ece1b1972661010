package dev.meetingbridge.stomp;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.meetingbridge.event.BridgeEvent;
import dev.meetingbridge.event.EventRelay;
import dev.meetingbridge.event.EventType;
import dev.meetingbridge.event.ReceivedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one meeting's events go on this instance: each event comes in once from the
 * relay, its frame is built once, and the bytes are handed to the {@link LoopWriter} of
 * every local subscription of that meeting and type. Events that take a subscription's
 * grounds away ({@link LostGrounds}) are applied before the next event of any meeting is
 * routed, so a subscriber that stopped being allowed receives nothing more.
 */
final class MeetingRoute implements EventRelay.Listener {

	private static final Logger logger = LoggerFactory.getLogger(MeetingRoute.class);

	private final String meetingId;

	private final FanoutMetrics metrics;

	private final Map<EventType, Set<Subscription>> delivering = new EnumMap<>(EventType.class);

	/**
	 * Subscriptions, to this meeting or another, whose grounds this meeting's events can
	 * take away.
	 */
	private final Set<Subscription> dependents = ConcurrentHashMap.newKeySet();

	MeetingRoute(String meetingId, FanoutMetrics metrics) {
		this.meetingId = meetingId;
		this.metrics = metrics;
		for (EventType type : EventType.values()) {
			this.delivering.put(type, ConcurrentHashMap.newKeySet());
		}
	}

	String meetingId() {
		return this.meetingId;
	}

	/**
	 * From now on, every event of the meeting is checked against the subscription's
	 * grounds.
	 */
	void watchGrounds(Subscription subscription) {
		this.dependents.add(subscription);
	}

	/** From now on, the subscription receives the meeting's events of its type. */
	void deliverTo(Subscription subscription) {
		this.delivering.get(subscription.type()).add(subscription);
	}

	void forget(Subscription subscription) {
		this.dependents.remove(subscription);
		this.delivering.get(subscription.type()).remove(subscription);
	}

	/** Called on the relay thread, in publish order. */
	@Override
	public void onEvent(ReceivedEvent received) {
		Set<Subscription> subscribed = this.delivering.get(received.type());
		if (logger.isTraceEnabled()) {
			logger.trace("Routing {} #{} of meeting {} to {} subscriptions", received.type().wireName(),
					received.event().sequence(), this.meetingId, subscribed.size());
		}
		List<Subscription> targets = subscribed.isEmpty() ? List.of() : new ArrayList<>(subscribed);
		// The event that takes a subscriber's grounds away still reaches it; nothing
		// after it does.
		revokeFor(received.event());
		if (targets.isEmpty()) {
			return;
		}
		BridgeEvent event = received.event();
		StompFrames.MessageFrame frame = StompFrames.message(received.type().topic(event.meetingId()),
				event.meetingId() + "-" + event.sequence(), received.json());
		// Each session is written on its socket's event loop, in the order events are
		// routed: its loop's writer writes the event to all of that loop's sessions, then
		// flushes each.
		Map<LoopWriter, List<Subscription>> byWriter = new IdentityHashMap<>();
		for (Subscription subscription : targets) {
			byWriter.computeIfAbsent(subscription.session().writer(), (writer) -> new ArrayList<>()).add(subscription);
		}
		this.metrics.received(received.type());
		FanoutMetrics.Shares handedOn = new FanoutMetrics.Shares(received.receivedAt(), byWriter.size());
		byWriter.forEach((writer, share) -> writer
			.submit(new LoopWriter.Delivery(frame, share, received.type(), event.timestamp(), handedOn)));
	}

	private void revokeFor(BridgeEvent event) {
		for (Subscription subscription : new ArrayList<>(this.dependents)) {
			Predicate<Ground> lost = LostGrounds.takenBy(event, this.meetingId, subscription);
			if (lost != null && subscription.hasGround(lost) && subscription.lose(lost)) {
				logger.debug("Subscription {} of session {} to meeting {} lost its last ground", subscription.id(),
						subscription.session().id(), subscription.meetingId());
				subscription.revoke();
			}
		}
	}

	/**
	 * Events of the meeting were lost for good: every local session that was told about
	 * it (its subscribers, and those whose grounds its events could take away) is closed
	 * with 4000 {@code resync}, so that its client reconnects and reloads rather than go
	 * on with a gap.
	 */
	@Override
	public void onLost(String meetingId) {
		Set<StompSession> affected = new HashSet<>();
		this.delivering.values().forEach((subscriptions) -> subscriptions.forEach((s) -> affected.add(s.session())));
		this.dependents.forEach((subscription) -> affected.add(subscription.session()));
		if (!affected.isEmpty()) {
			logger.warn("Meeting {} missed events its history no longer holds: closing its {} STOMP sessions here "
					+ "with 4000 resync, so that their clients reload it", this.meetingId, affected.size());
		}
		affected.forEach((session) -> session.end(SessionEnd.RESYNC));
	}

}
