package dev.meetingbridge.presence;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
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
class PresenceSchedule implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PresenceSchedule.class);

	private final PresenceService presence;

	private final InstanceLease lease;

	private final DepartureTimer departures;

	private volatile @Nullable ScheduledExecutorService scheduler;

	PresenceSchedule(PresenceService presence, InstanceLease lease, DepartureTimer departures) {
		this.presence = presence;
		this.lease = lease;
		this.departures = departures;
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("presence").daemon(true).factory());
		executor.scheduleWithFixedDelay(guarded("renew the lease", this.lease::renewAndReap), 0,
				this.lease.renewIntervalMillis(), TimeUnit.MILLISECONDS);
		executor.scheduleWithFixedDelay(guarded("process departures", () -> {
			this.presence.retryPendingAway();
			this.departures.departDue();
		}), this.departures.tickMillis(), this.departures.tickMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	private static Runnable guarded(String what, Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (DataAccessException ex) {
				logger.warn("Could not {}: {}", what, ex.getMessage());
			}
			catch (RuntimeException ex) {
				logger.error("Could not {}", what, ex);
			}
		};
	}

	/**
	 * Graceful shutdown: by now the STOMP handler has closed every session (going away),
	 * which made their participants away with the normal grace, so clients can re-join on
	 * another instance. Then the lease goes, and nothing is left for reapers.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
		try {
			if (this.presence.endAllSessions()) {
				this.lease.release();
			}
		}
		catch (DataAccessException ex) {
			logger.warn("Could not hand over presence on shutdown: {}", ex.getMessage());
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/** After the STOMP handler (which closes the sessions), before Redis goes. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

}
