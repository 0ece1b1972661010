package dev.meetingbridge.switching;

import java.time.Duration;

import dev.meetingbridge.periodic.PeriodicComponent;
import dev.meetingbridge.periodic.PeriodicTasks;

import org.springframework.stereotype.Component;

/**
 * On every instance, once a second: keeps this instance's inbox subscribed, and takes
 * over the moves whose owner's lease ran out (their instance died or gave up), finishing
 * or undoing each; the participant's sessions of a finished one get its message.
 */
@Component
class SwitchRecovery extends PeriodicComponent {

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	private final SwitchIntents intents;

	private final SwitchMover mover;

	private final SwitchInbox inbox;

	private final PeriodicTasks tasks;

	SwitchRecovery(SwitchIntents intents, SwitchMover mover, SwitchInbox inbox, PeriodicTasks tasks) {
		this.tasks = tasks;
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
		run(this.tasks.every("look for switches to take over", Duration.ZERO, INTERVAL, this::sweep));
	}

}
