package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.meetingbridge.event.EventType;

/**
 * One STOMP subscription to one topic of one meeting, with the grounds on which it may
 * receive and the {@link MeetingHold}s that keep the instance listening to every meeting
 * whose events it receives or whose events can take its grounds away. It releases them
 * exactly once, when it stops being routed to.
 */
final class Subscription {

	private final StompSession session;

	private final String id;

	private final String meetingId;

	private final EventType type;

	/** The id as the {@code subscription} header's value, in UTF-8. */
	private final byte[] escapedId;

	/**
	 * Immutable, and replaced on the rare loss of a ground: an instance holds many idle
	 * subscriptions, and an immutable set of one ground is the smallest a set can be.
	 */
	private Set<Ground> grounds;

	private final List<MeetingHold> holds;

	private volatile boolean cancelled;

	private final AtomicBoolean dropped = new AtomicBoolean();

	Subscription(StompSession session, String id, String meetingId, EventType type, Set<Ground> grounds,
			List<MeetingHold> holds) {
		this.session = session;
		this.id = id;
		this.meetingId = meetingId;
		this.type = type;
		this.escapedId = StompFrames.escapeHeader(id).getBytes(StandardCharsets.UTF_8);
		this.grounds = Set.copyOf(grounds);
		this.holds = List.copyOf(holds);
	}

	StompSession session() {
		return this.session;
	}

	String id() {
		return this.id;
	}

	byte[] escapedId() {
		return this.escapedId;
	}

	String meetingId() {
		return this.meetingId;
	}

	EventType type() {
		return this.type;
	}

	/**
	 * Makes it a dependent of every meeting it holds, so that every event that takes a
	 * ground away from now on finds it.
	 */
	void watchGrounds() {
		this.holds.forEach((hold) -> hold.route().watchGrounds(this));
	}

	/** From now on it receives its meeting's events (unless it was dropped meanwhile). */
	void goLive() {
		for (MeetingHold hold : this.holds) {
			if (hold.meetingId().equals(this.meetingId)) {
				hold.route().deliverTo(this);
				if (isDropped()) {
					// It lost its last ground while being registered.
					hold.route().forget(this);
				}
			}
		}
	}

	/** Removes the grounds that no longer hold; true when none is left. */
	synchronized boolean lose(Predicate<Ground> lost) {
		if (this.grounds.stream().anyMatch(lost)) {
			this.grounds = this.grounds.stream().filter(lost.negate()).collect(Collectors.toUnmodifiableSet());
		}
		return this.grounds.isEmpty();
	}

	synchronized boolean hasGround(Predicate<Ground> test) {
		return this.grounds.stream().anyMatch(test);
	}

	/** Whether frames still waiting to be written to it are to be skipped. */
	boolean cancelled() {
		return this.cancelled;
	}

	/** Unsubscribed, replaced or its session closed: nothing more is written to it. */
	void close() {
		this.cancelled = true;
		drop();
	}

	/**
	 * It lost its last ground: it leaves its session and is routed to no more; what was
	 * handed to its writer before still goes out.
	 */
	void revoke() {
		this.session.subscriptions().remove(this);
		drop();
	}

	boolean isDropped() {
		return this.dropped.get();
	}

	/**
	 * Stops routing to it and releases what it held; only the first call does anything.
	 */
	private void drop() {
		if (this.dropped.compareAndSet(false, true)) {
			this.holds.forEach((hold) -> hold.route().forget(this));
			this.holds.forEach(MeetingHold::close);
		}
	}

}
