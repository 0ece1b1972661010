package dev.meetingbridge.stomp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.meetingbridge.connection.ConnectionCloseReason;
import dev.meetingbridge.event.BridgeEvent;
import dev.meetingbridge.event.EventRelay;
import dev.meetingbridge.event.EventType;
import dev.meetingbridge.event.ReceivedEvent;
import dev.meetingbridge.meeting.LeaveReason;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The local fan-out: each event comes in once from the relay, its frame is built once,
 * and the bytes go out to every local subscription of that meeting and type. Also where
 * authority is live: events that take a subscription's grounds away (a leave, a closed
 * connection) are applied before the next event of any meeting is routed, so a subscriber
 * that stopped being allowed receives nothing more.
 */
@Component
class TopicFanout implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(TopicFanout.class);

	private final EventRelay relay;

	private final Map<String, StompSession> sessions = new ConcurrentHashMap<>();

	private final Map<String, MeetingEntry> meetings = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	private final FanoutMetrics metrics;

	/** One writer per event loop that serves a session. */
	private final Map<EventLoop, LoopWriter> writers = new ConcurrentHashMap<>();

	TopicFanout(EventRelay relay, MeterRegistry meters) {
		this.relay = relay;
		this.metrics = new FanoutMetrics(meters, this.sessions::size, this::subscriptionCount, relay::listenedMeetings);
	}

	/**
	 * Takes a new WebSocket on; everything is written to it through the returned session.
	 */
	StompSession sessionOpened(Channel channel, String sessionId) {
		LoopWriter writer = this.writers.computeIfAbsent(channel.eventLoop(),
				(loop) -> new LoopWriter(loop, this.metrics));
		StompSession session = new StompSession(channel, sessionId, writer, this::ended);
		this.sessions.put(sessionId, session);
		return session;
	}

	int sessionCount() {
		return this.sessions.size();
	}

	private void ended(SessionEnd end) {
		if (end != SessionEnd.DISCONNECT) {
			this.metrics.sessionEnded(end);
		}
	}

	private int subscriptionCount() {
		int count = 0;
		for (StompSession session : this.sessions.values()) {
			count += session.subscriptions().size();
		}
		return count;
	}

	void sessionClosed(String sessionId) {
		StompSession session = this.sessions.remove(sessionId);
		if (session != null) {
			session.subscriptions().values().forEach(this::cancel);
			session.subscriptions().clear();
		}
	}

	/** The open sessions, for whoever watches that they are still there. */
	Collection<StompSession> sessions() {
		return this.sessions.values();
	}

	@Nullable StompSession session(String sessionId) {
		return this.sessions.get(sessionId);
	}

	/**
	 * Prepares for a subscription to the meeting: the instance listens to it before the
	 * subscriber's grounds are read, so that no event that could take them away is
	 * missed. Every {@code hold} is paired with a {@link #release}.
	 */
	void hold(String meetingId) {
		MeetingEntry entry;
		boolean starter = false;
		synchronized (this.lock) {
			entry = this.meetings.computeIfAbsent(meetingId, MeetingEntry::new);
			entry.holds++;
			if (entry.ready == null) {
				entry.ready = new CompletableFuture<>();
				starter = true;
			}
		}
		if (starter) {
			try {
				this.relay.listen(meetingId, entry);
				entry.ready.complete(null);
			}
			catch (RuntimeException ex) {
				entry.ready.completeExceptionally(ex);
				release(meetingId);
				throw ex;
			}
		}
		else {
			try {
				entry.ready.join();
			}
			catch (CompletionException ex) {
				release(meetingId);
				throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
			}
		}
	}

	void release(String meetingId) {
		MeetingEntry removed = null;
		synchronized (this.lock) {
			MeetingEntry entry = this.meetings.get(meetingId);
			if (entry != null && --entry.holds <= 0) {
				removed = this.meetings.remove(meetingId);
			}
		}
		if (removed != null && removed.ready != null && !removed.ready.isCompletedExceptionally()) {
			this.relay.unlisten(meetingId, removed);
		}
	}

	/** What became of a subscription handed to {@link #register}. */
	enum Registration {

		/** It receives events and owns the meetings it held. */
		LIVE,

		/**
		 * Its grounds were gone by the time it was registered; the meetings it held are
		 * released.
		 */
		REFUSED,

		/** The session is gone; the caller still owns the meetings it held. */
		GONE

	}

	/**
	 * Registers a subscription whose meetings are all held, and takes the holds over
	 * unless the session is gone. It is made a dependent of those meetings first, so that
	 * every event that takes a ground away from then on finds it; the grounds are then
	 * read again ({@code current}), which catches any taken away before; only then does
	 * it receive events.
	 */
	Registration register(String sessionId, String subscriptionId, String meetingId, EventType type,
			Set<Ground> grounds, Supplier<Set<Ground>> current) {
		StompSession session = this.sessions.get(sessionId);
		if (session == null) {
			return Registration.GONE;
		}
		Subscription subscription = new Subscription(session, subscriptionId, meetingId, type, grounds);
		Subscription replaced = session.subscriptions().put(subscriptionId, subscription);
		if (replaced != null) {
			cancel(replaced);
		}
		for (String held : subscription.meetingsHeld()) {
			MeetingEntry entry = this.meetings.get(held);
			if (entry != null) {
				entry.dependents.add(subscription);
			}
		}
		Set<Ground> stillHeld;
		try {
			stillHeld = current.get();
		}
		catch (RuntimeException ex) {
			session.subscriptions().remove(subscriptionId, subscription);
			drop(subscription);
			throw ex;
		}
		if (subscription.lose((ground) -> !stillHeld.contains(ground))) {
			session.subscriptions().remove(subscriptionId, subscription);
			drop(subscription);
			return Registration.REFUSED;
		}
		MeetingEntry entry = this.meetings.get(meetingId);
		if (entry != null) {
			entry.delivering.get(type).add(subscription);
			if (subscription.isDropped()) {
				// It lost its last ground while being registered.
				entry.delivering.get(type).remove(subscription);
			}
		}
		if (!this.sessions.containsKey(sessionId)) {
			cancel(subscription);
		}
		return Registration.LIVE;
	}

	void unsubscribe(String sessionId, String subscriptionId) {
		StompSession session = this.sessions.get(sessionId);
		if (session != null) {
			Subscription subscription = session.subscriptions().remove(subscriptionId);
			if (subscription != null) {
				cancel(subscription);
			}
		}
	}

	private void cancel(Subscription subscription) {
		subscription.cancel();
		drop(subscription);
	}

	/** Stops routing to the subscription and releases the meetings it held. */
	private void drop(Subscription subscription) {
		if (!subscription.markDropped()) {
			return;
		}
		for (String held : subscription.meetingsHeld()) {
			MeetingEntry entry = this.meetings.get(held);
			if (entry != null) {
				entry.dependents.remove(subscription);
				entry.delivering.get(subscription.type()).remove(subscription);
			}
		}
		subscription.meetingsHeld().forEach(this::release);
	}

	/** Called on the relay thread, in publish order. */
	private void route(MeetingEntry entry, ReceivedEvent received) {
		Set<Subscription> subscribed = entry.delivering.get(received.type());
		if (logger.isTraceEnabled()) {
			logger.trace("Routing {} #{} of meeting {} to {} subscriptions", received.type().wireName(),
					received.event().sequence(), entry.meetingId, subscribed.size());
		}
		List<Subscription> targets = subscribed.isEmpty() ? List.of() : new ArrayList<>(subscribed);
		// The event that takes a subscriber's grounds away still reaches it; nothing
		// after it does.
		revokeFor(entry, received.event());
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

	/**
	 * Takes away the grounds the event ends. While a meeting is ending, its members and
	 * those who watch it through a connection keep their grounds until
	 * {@code meeting-ended} itself, so that the whole cascade, and the news that the
	 * meeting ended, still reaches them.
	 */
	private void revokeFor(MeetingEntry entry, BridgeEvent event) {
		String meetingId = entry.meetingId;
		List<Subscription> candidates = new ArrayList<>(entry.dependents);
		for (Subscription subscription : candidates) {
			Predicate<Ground> lost = lostGrounds(event, meetingId, subscription);
			if (lost != null && subscription.hasGround(lost) && subscription.lose(lost)) {
				logger.debug("Subscription {} of session {} to meeting {} lost its last ground", subscription.id(),
						subscription.session().id(), subscription.meetingId());
				subscription.session().subscriptions().remove(subscription.id(), subscription);
				drop(subscription);
			}
		}
	}

	/**
	 * Events of the meeting were lost for good: every local session that was told about
	 * it (its subscribers, and those whose grounds its events could take away) is closed
	 * with 4000 {@code resync}, so that its client reconnects and reloads rather than go
	 * on with a gap.
	 */
	private void resync(MeetingEntry entry) {
		Set<StompSession> affected = new HashSet<>();
		entry.delivering.values().forEach((subscriptions) -> subscriptions.forEach((s) -> affected.add(s.session())));
		entry.dependents.forEach((subscription) -> affected.add(subscription.session()));
		if (!affected.isEmpty()) {
			logger.warn("Meeting {} missed events its history no longer holds: closing its {} STOMP sessions here "
					+ "with 4000 resync, so that their clients reload it", entry.meetingId, affected.size());
		}
		affected.forEach((session) -> session.end(SessionEnd.RESYNC));
	}

	private static @Nullable Predicate<Ground> lostGrounds(BridgeEvent event, String meetingId,
			Subscription subscription) {
		return switch (event) {
			case BridgeEvent.ParticipantLeft left when left.reason() != LeaveReason.MEETING_ENDED ->
				(ground) -> switch (ground) {
					case Ground.Member member ->
						member.meetingId().equals(meetingId) && member.participantId().equals(left.participant().id());
					case Ground.Via via ->
						via.viaMeetingId().equals(meetingId) && via.participantId().equals(left.participant().id());
					case Ground.Server server -> false;
				};
			case BridgeEvent.ConnectionClosed closed when closed.reason() != ConnectionCloseReason.MEETING_ENDED ->
				(ground) -> ground instanceof Ground.Via via && via.connectionId().equals(closed.connectionId());
			case BridgeEvent.MeetingEnded ended -> (ground) -> switch (ground) {
				case Ground.Member member -> member.meetingId().equals(meetingId);
				case Ground.Via via ->
					via.viaMeetingId().equals(meetingId) || subscription.meetingId().equals(meetingId);
				case Ground.Server server -> false;
			};
			default -> null;
		};
	}

	private volatile boolean running;

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * The instance is stopping: every client is told (1001) and can reconnect to another
	 * instance. This runs before the web server's graceful shutdown, which would
	 * otherwise wait for the open WebSockets to end by themselves.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.sessions.values().forEach((session) -> session.end(SessionEnd.GOING_AWAY));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** What this instance routes for one meeting. */
	private final class MeetingEntry implements EventRelay.Listener {

		private final String meetingId;

		private final Map<EventType, Set<Subscription>> delivering = new EnumMap<>(EventType.class);

		/**
		 * Subscriptions, to this meeting or another, whose grounds this meeting's events
		 * can take away.
		 */
		private final Set<Subscription> dependents = ConcurrentHashMap.newKeySet();

		private int holds;

		private @Nullable CompletableFuture<Void> ready;

		MeetingEntry(String meetingId) {
			this.meetingId = meetingId;
			for (EventType type : EventType.values()) {
				this.delivering.put(type, ConcurrentHashMap.newKeySet());
			}
		}

		@Override
		public void onEvent(ReceivedEvent event) {
			route(this, event);
		}

		@Override
		public void onLost(String meetingId) {
			resync(this);
		}

	}

}
