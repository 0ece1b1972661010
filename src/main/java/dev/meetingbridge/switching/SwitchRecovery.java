package dev.meetingbridge.switching;

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
 * On every instance, once a second: keeps this instance's inbox subscribed, and takes
 * over the moves whose owner's lease ran out (their instance died or gave up), finishing
 * or undoing each; the participant's sessions of a finished one get its message.
 */
@Component
class SwitchRecovery implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SwitchRecovery.class);

	private static final long INTERVAL_MILLIS = 1_000;

	private final SwitchIntents intents;

	private final SwitchMover mover;

	private final SwitchInbox inbox;

	private volatile @Nullable ScheduledExecutorService scheduler;

	SwitchRecovery(SwitchIntents intents, SwitchMover mover, SwitchInbox inbox) {
		this.intents = intents;
		this.mover = mover;
		this.inbox = inbox;
	}

	void sweep() {
		this.inbox.listen();
		for (String switchId : this.intents.due(20)) {
			this.mover.recover(switchId)
				.ifPresent((moved) -> this.inbox.deliver(moved.participantId(), moved.message(),
						moved.binding().isEmpty() ? null
								: new SwitchInbox.Rebind(moved.binding(), moved.from().value(), moved.to().value())));
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("switch-recovery").daemon(true).factory());
		executor.scheduleWithFixedDelay(() -> {
			try {
				sweep();
			}
			catch (DataAccessException ex) {
				logger.warn("Could not look for switches to take over: {}", ex.getMessage());
			}
			catch (RuntimeException ex) {
				logger.error("Could not look for switches to take over", ex);
			}
		}, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
