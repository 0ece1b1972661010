package dev.meetingbridge.stomp;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import dev.meetingbridge.event.EventRelay;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Which meetings this instance listens to: a meeting's events come from the relay, to the
 * meeting's {@link MeetingRoute}, while at least one {@link MeetingHold} on it is open.
 * The first hold starts the listening and the others wait for it; the last one closed
 * stops it.
 */
@Component
class MeetingHolds {

	private final EventRelay relay;

	private final FanoutMetrics metrics;

	private final Map<String, Held> meetings = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	MeetingHolds(EventRelay relay, StompSessions sessions) {
		this.relay = relay;
		this.metrics = sessions.metrics();
	}

	/**
	 * Holds the meeting: returns once the instance listens to it, so that every event
	 * published afterwards reaches its route. Throws, holding nothing, when Redis fails.
	 */
	MeetingHold hold(String meetingId) {
		Held held;
		CompletableFuture<Void> ready;
		boolean starter = false;
		synchronized (this.lock) {
			held = this.meetings.computeIfAbsent(meetingId, (id) -> new Held(new MeetingRoute(id, this.metrics)));
			held.holds++;
			if (held.ready == null) {
				held.ready = new CompletableFuture<>();
				starter = true;
			}
			ready = held.ready;
		}
		MeetingHold hold = new MeetingHold(this, held.route);
		try {
			if (starter) {
				try {
					this.relay.listen(meetingId, held.route);
					ready.complete(null);
				}
				catch (RuntimeException ex) {
					ready.completeExceptionally(ex);
					throw ex;
				}
			}
			else {
				ready.join();
			}
			return hold;
		}
		catch (CompletionException ex) {
			hold.close();
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
		catch (RuntimeException ex) {
			hold.close();
			throw ex;
		}
	}

	/** A hold on the route's meeting was closed; the last one stops the listening. */
	void release(MeetingRoute route) {
		Held removed = null;
		synchronized (this.lock) {
			Held held = this.meetings.get(route.meetingId());
			if (held != null && held.route == route && --held.holds <= 0) {
				removed = this.meetings.remove(route.meetingId());
			}
		}
		if (removed != null && removed.ready != null && !removed.ready.isCompletedExceptionally()) {
			this.relay.unlisten(route.meetingId(), route);
		}
	}

	/**
	 * A meeting's route, how many holds are open on it, and whether it is listened to
	 * yet.
	 */
	private static final class Held {

		private final MeetingRoute route;

		private int holds;

		private @Nullable CompletableFuture<Void> ready;

		Held(MeetingRoute route) {
			this.route = route;
		}

	}

}
