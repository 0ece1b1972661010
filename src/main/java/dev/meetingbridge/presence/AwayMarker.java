package dev.meetingbridge.presence;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Tells Redis that a binding's session ended: the participant is away, its departure is
 * scheduled after the grace, and this instance's listing of the binding goes. Bindings
 * Redis could not be told about are kept and retried until it can.
 */
@Component
class AwayMarker {

	private static final Logger logger = LoggerFactory.getLogger(AwayMarker.class);

	private final PresenceStore store;

	private final DepartureTimer departures;

	private final String instance;

	private final Set<Binding> pending = ConcurrentHashMap.newKeySet();

	AwayMarker(PresenceStore store, DepartureTimer departures, InstanceId instance) {
		this.store = store;
		this.departures = departures;
		this.instance = instance.value();
	}

	void away(Binding binding) {
		try {
			if (this.store.away(binding)) {
				this.departures.schedule(binding);
			}
			this.store.forget(this.instance, binding.member());
			this.pending.remove(binding);
		}
		catch (DataAccessException ex) {
			logger.warn("Could not mark {} of meeting {} away ({}); will retry", binding.participantId(),
					binding.meetingId(), ex.getMessage());
			this.pending.add(binding);
		}
	}

	/** Tells Redis about the sessions that ended while it could not be told. */
	void retryPending() {
		for (Binding binding : Set.copyOf(this.pending)) {
			away(binding);
		}
	}

	/** Whether every ended session has been told to Redis. */
	boolean nonePending() {
		return this.pending.isEmpty();
	}

}
