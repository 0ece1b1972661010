package dev.meetingbridge.presence;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;

/**
 * Session-bound presence: this instance's STOMP sessions and the participants bound to
 * them. A participant who joined over STOMP is bound to that session; when the session
 * ends it is away, and leaves with reason {@code disconnected} unless it re-joins within
 * {@code bridge.presence.grace} ({@link DepartureTimer}). Bindings belong to this
 * instance's lease ({@link InstanceLease}).
 * <p>
 * Every decision is a script on the meeting that checks the binding is still the one it
 * saw, so concurrent reapers, late timers and re-joins on other instances cannot make
 * anyone leave twice.
 */
@Service
public class PresenceService {

	private static final Logger logger = LoggerFactory.getLogger(PresenceService.class);

	private final PresenceStore store;

	private final DepartureTimer departures;

	private final AwayMarker away;

	private final String instance;

	/** Open local sessions and the participants bound to them. */
	private final Map<String, LocalSession> sessions = new ConcurrentHashMap<>();

	PresenceService(PresenceStore store, DepartureTimer departures, AwayMarker away, InstanceId instance) {
		this.store = store;
		this.departures = departures;
		this.away = away;
		this.instance = instance.value();
	}

	/**
	 * A local STOMP session; {@code ended} once it closed, so that a join still in flight
	 * cannot bind to it.
	 */
	private static final class LocalSession {

		private final Set<Binding> bindings = new HashSet<>();

		private boolean ended;

	}

	/**
	 * A STOMP session opened here: participants that join through it will be bound to it.
	 */
	public void sessionStarted(String sessionId) {
		this.sessions.put(sessionId, new LocalSession());
	}

	/**
	 * Before a join over STOMP, which binds the participant to the session in the same
	 * step (or moves its binding here: a re-join within the grace publishes nothing): the
	 * binding is listed among this instance's first, so that whichever point this
	 * instance dies at, the reaper finds what it left.
	 */
	public PendingBinding prepareBinding(String sessionId, MeetingId meetingId, ParticipantId participantId) {
		Binding binding = new Binding(meetingId, participantId, this.instance, sessionId);
		return new PendingBinding(binding, this.store.register(binding));
	}

	/** The join bound the participant: its session here keeps it. */
	public void bound(PendingBinding pending) {
		Binding binding = pending.binding();
		LocalSession session = this.sessions.get(binding.sessionId());
		boolean kept = false;
		if (session != null) {
			synchronized (session) {
				if (!session.ended) {
					session.bindings.add(binding);
					kept = true;
				}
			}
		}
		if (!kept) {
			// Its session ended while the join was under way: it is away.
			this.away.away(binding);
		}
	}

	/** The join was refused: nothing was bound, and the listing goes again. */
	public void abandon(PendingBinding pending) {
		if (pending.listed()) {
			try {
				this.store.forget(this.instance, pending.binding().member());
			}
			catch (DataAccessException ex) {
				// Nothing is bound: the reaper's walk drops the listing.
				logger.debug("Could not unlist a refused binding: {}", ex.getMessage());
			}
		}
	}

	/** A binding being made by a join over STOMP. */
	public static final class PendingBinding {

		private final Binding binding;

		/** Whether preparing it listed it (it was not listed before). */
		private final boolean listed;

		PendingBinding(Binding binding, boolean listed) {
			this.binding = binding;
			this.listed = listed;
		}

		/**
		 * What the join script stores as the binding's owner: {@code instance|session}.
		 */
		public String owner() {
			return this.binding.owner();
		}

		Binding binding() {
			return this.binding;
		}

		boolean listed() {
			return this.listed;
		}

	}

	/**
	 * The session ended (DISCONNECT, closed socket, missed heart-beats): its participants
	 * are away.
	 */
	public void sessionEnded(String sessionId) {
		LocalSession session = this.sessions.remove(sessionId);
		if (session == null) {
			return;
		}
		Set<Binding> bindings;
		synchronized (session) {
			session.ended = true;
			bindings = Set.copyOf(session.bindings);
		}
		bindings.forEach(this.away::away);
	}

	/** This instance's id. */
	public String instance() {
		return this.instance;
	}

	/** The instances that hold a live lease, this one included once it renewed it. */
	public Set<String> liveInstances() {
		Set<String> live = new HashSet<>();
		for (String other : this.store.instances()) {
			if (other.equals(this.instance) || this.store.hasLease(other)) {
				live.add(other);
			}
		}
		live.add(this.instance);
		return live;
	}

	/**
	 * Before a participant's binding (as a meeting's presence hash holds it:
	 * {@code instance|session|bound} or {@code |away}) moves to another meeting: it is
	 * listed among its instance's bindings there first, so that the reaper finds it
	 * whichever point that instance dies at.
	 */
	public void prepareMove(String storedBinding, MeetingId to, ParticipantId participantId) {
		Binding.ofStored(storedBinding, to, participantId).ifPresent(this.store::register);
	}

	/**
	 * The binding moved with its participant: an away one gets its grace in the new
	 * meeting, and the old meeting's listing goes.
	 */
	public void moved(String storedBinding, MeetingId from, MeetingId to, ParticipantId participantId) {
		Binding.ofStored(storedBinding, to, participantId).ifPresent((binding) -> {
			if (storedBinding.endsWith(Binding.AWAY)) {
				this.departures.schedule(binding);
			}
			this.store.forget(binding.instance(),
					new Binding(from, participantId, binding.instance(), binding.sessionId()).member());
		});
	}

	/**
	 * On the instance that holds the session: the participant bound to it moved from one
	 * meeting to another, so the session's end makes it leave the new one. A session that
	 * ended meanwhile makes it away there at once.
	 */
	public void rebind(String storedBinding, MeetingId from, MeetingId to, ParticipantId participantId) {
		Binding.ofStored(storedBinding, to, participantId)
			.filter((binding) -> binding.instance().equals(this.instance))
			.ifPresent((binding) -> {
				LocalSession session = this.sessions.get(binding.sessionId());
				if (session != null) {
					synchronized (session) {
						if (!session.ended) {
							session.bindings
								.remove(new Binding(from, participantId, this.instance, binding.sessionId()));
							session.bindings.add(binding);
							return;
						}
					}
				}
				this.away.away(binding);
			});
	}

	/**
	 * Shutting down: every session still open here ends, and Redis is told; true when
	 * nothing is left pending, so that the lease may go.
	 */
	boolean endAllSessions() {
		Set.copyOf(this.sessions.keySet()).forEach(this::sessionEnded);
		this.away.retryPending();
		return this.away.nonePending();
	}

}
