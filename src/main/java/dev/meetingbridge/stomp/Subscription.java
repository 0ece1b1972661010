package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.meetingbridge.event.EventType;

/**
 * One STOMP subscription to one topic of one meeting, with the grounds on which it may
 * receive.
 */
final class Subscription {

	private final StompSession session;

	private final String id;

	private final String meetingId;

	private final EventType type;

	/** The id as the {@code subscription} header's value, in UTF-8. */
	private final byte[] escapedId;

	/**
	 * Immutable, replaced when grounds are lost (rarely): an idle instance holds tens of
	 * thousands of subscriptions, and a one-element immutable set is a seventh of a
	 * HashSet's size.
	 */
	private Set<Ground> grounds;

	/**
	 * The meetings this subscription keeps the instance listening to, fixed when it is
	 * registered.
	 */
	private final Set<String> meetingsHeld;

	private volatile boolean cancelled;

	private final AtomicBoolean dropped = new AtomicBoolean();

	Subscription(StompSession session, String id, String meetingId, EventType type, Set<Ground> grounds) {
		this.session = session;
		this.id = id;
		this.meetingId = meetingId;
		this.type = type;
		this.escapedId = StompFrames.escapeHeader(id).getBytes(StandardCharsets.UTF_8);
		this.grounds = Set.copyOf(grounds);
		Set<String> held = new HashSet<>();
		held.add(meetingId);
		grounds.forEach((ground) -> held.add(ground.dependsOn()));
		this.meetingsHeld = Set.copyOf(held);
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

	Set<String> meetingsHeld() {
		return this.meetingsHeld;
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

	boolean cancelled() {
		return this.cancelled;
	}

	void cancel() {
		this.cancelled = true;
	}

	boolean isDropped() {
		return this.dropped.get();
	}

	/** True exactly once: for whoever stops routing to it first. */
	boolean markDropped() {
		return this.dropped.compareAndSet(false, true);
	}

}
