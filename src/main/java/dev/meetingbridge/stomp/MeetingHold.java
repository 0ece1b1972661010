package dev.meetingbridge.stomp;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps this instance listening to one meeting until it is closed; closing it again does
 * nothing. Obtained from {@link MeetingHolds#hold}.
 */
final class MeetingHold implements AutoCloseable {

	private final MeetingHolds holds;

	private final MeetingRoute route;

	private final AtomicBoolean closed = new AtomicBoolean();

	MeetingHold(MeetingHolds holds, MeetingRoute route) {
		this.holds = holds;
		this.route = route;
	}

	String meetingId() {
		return this.route.meetingId();
	}

	/** Where the meeting's events are routed while it is held. */
	MeetingRoute route() {
		return this.route;
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.holds.release(this.route);
		}
	}

}
