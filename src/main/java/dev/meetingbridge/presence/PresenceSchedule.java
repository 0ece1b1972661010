package dev.meetingbridge.presence;

import java.time.Duration;

import dev.meetingbridge.periodic.PeriodicComponent;
import dev.meetingbridge.periodic.PeriodicTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Runs presence in the background (the lease and its reaper, retries and due departures)
 * and hands presence over on a graceful shutdown.
 */
@Component
class PresenceSchedule extends PeriodicComponent {

	private static final Logger logger = LoggerFactory.getLogger(PresenceSchedule.class);

	private final PresenceService presence;

	private final AwayMarker away;

	private final InstanceLease lease;

	private final DepartureTimer departures;

	private final PeriodicTasks tasks;

	PresenceSchedule(PresenceService presence, AwayMarker away, InstanceLease lease, DepartureTimer departures,
			PeriodicTasks tasks) {
		this.tasks = tasks;
		this.presence = presence;
		this.away = away;
		this.lease = lease;
		this.departures = departures;
	}

	@Override
	public void start() {
		Duration tick = Duration.ofMillis(this.departures.tickMillis());
		run(this.tasks.every("renew the presence lease", Duration.ZERO,
				Duration.ofMillis(this.lease.renewIntervalMillis()), this.lease::renewAndReap),
				this.tasks.everyBriefly("process departures", tick, tick, () -> {
					this.away.retryPending();
					this.departures.departDue();
				}));
	}

	/**
	 * Graceful shutdown: by now the STOMP handler has closed every session (going away),
	 * which made their participants away with the normal grace, so clients can re-join on
	 * another instance. Then the lease goes, and nothing is left for reapers.
	 */
	@Override
	public void stop() {
		super.stop();
		try {
			if (this.presence.endAllSessions()) {
				this.lease.release();
			}
		}
		catch (DataAccessException ex) {
			logger.warn("Could not hand over presence on shutdown: {}", ex.getMessage());
		}
	}

	/** After the STOMP handler (which closes the sessions), before Redis goes. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

}
