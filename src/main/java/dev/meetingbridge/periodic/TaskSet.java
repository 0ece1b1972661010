package dev.meetingbridge.periodic;

import java.util.List;

/**
 * The periodic tasks one component runs, started and cancelled together (from its
 * lifecycle's start and stop).
 */
public final class TaskSet {

	private volatile List<PeriodicTask> tasks = List.of();

	/** The component started these tasks (and cancelled any it ran before). */
	public void started(PeriodicTask... started) {
		cancel();
		this.tasks = List.of(started);
	}

	/** Cancels every task, waiting briefly for the rounds under way. */
	public void cancel() {
		List<PeriodicTask> stopping = this.tasks;
		this.tasks = List.of();
		stopping.forEach(PeriodicTask::cancel);
	}

	/** Whether any task runs. */
	public boolean running() {
		return !this.tasks.isEmpty();
	}

}
