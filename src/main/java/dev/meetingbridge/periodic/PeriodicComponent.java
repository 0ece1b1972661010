package dev.meetingbridge.periodic;

import org.springframework.context.SmartLifecycle;

/**
 * A component whose work is periodic tasks: it starts them in {@link #start()} through
 * {@link #run}, and the context's stop cancels them (waiting briefly for the rounds under
 * way). A component with more to do on stop overrides {@link #stop()} and calls it first.
 */
public abstract class PeriodicComponent implements SmartLifecycle {

	private final TaskSet running = new TaskSet();

	/** Runs these tasks for the component, in place of any it ran before. */
	protected final void run(PeriodicTask... tasks) {
		this.running.started(tasks);
	}

	@Override
	public void stop() {
		this.running.cancel();
	}

	@Override
	public boolean isRunning() {
		return this.running.running();
	}

}
