package dev.meetingbridge.periodic;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Times every periodic task of the instance on one platform thread; each run happens on a
 * virtual thread named for its task, because every task blocks on Redis and one slow run
 * must not hold the others up.
 * <p>
 * Due times lie on a common grid from the component's start: after its first run, a task
 * runs at the multiples of its interval (rounded up to {@value #GRID_MILLIS} ms), so that
 * tasks with the same interval, or one a multiple of the other, wake the instance once
 * together rather than once each. Runs of one task never overlap: a round that comes
 * while the last one is still under way is skipped.
 */
@Component
public class PeriodicTasks implements DisposableBean {

	/** The grid every due time lies on. */
	static final long GRID_MILLIS = 250;

	private final ScheduledThreadPoolExecutor timer;

	private final long origin = System.nanoTime();

	public PeriodicTasks() {
		ThreadFactory factory = Thread.ofPlatform().name("periodic").daemon(true).factory();
		this.timer = new ScheduledThreadPoolExecutor(1, factory);
		this.timer.setRemoveOnCancelPolicy(true);
		this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
	}

	/**
	 * Runs {@code work} on a virtual thread every {@code interval} (rounded up to the
	 * grid), the first time after {@code firstDelay}, until the task is cancelled or the
	 * context closes.
	 * @param name what the task does, as in "Could not {name}"; also its threads' name
	 */
	public PeriodicTask every(String name, Duration firstDelay, Duration interval, Runnable work) {
		return start(name, firstDelay, interval, work, false);
	}

	/**
	 * Like {@link #every}, for brief work (a few Redis commands, each bounded by the
	 * command time-out) that runs on the timer thread itself: a round then wakes one
	 * thread, not two. Nothing that can wait long for others belongs here: it would hold
	 * up every other task's round.
	 */
	public PeriodicTask everyBriefly(String name, Duration firstDelay, Duration interval, Runnable work) {
		return start(name, firstDelay, interval, work, true);
	}

	private PeriodicTask start(String name, Duration firstDelay, Duration interval, Runnable work, boolean onTimer) {
		long intervalNanos = TimeUnit.MILLISECONDS.toNanos(align(Math.max(1, interval.toMillis())));
		PeriodicTask task = new PeriodicTask(name, work, intervalNanos, this, onTimer);
		task.dueAt(gridPointAtOrAfter(System.nanoTime() + firstDelay.toNanos()));
		return task;
	}

	/** Runs the task's next round at {@code due} (a {@link System#nanoTime()}). */
	ScheduledFuture<?> at(long due, Runnable fire) {
		return this.timer.schedule(fire, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	/** The first grid point at or after {@code nanos}. */
	long gridPointAtOrAfter(long nanos) {
		long grid = TimeUnit.MILLISECONDS.toNanos(GRID_MILLIS);
		long since = Math.max(0, nanos - this.origin);
		return this.origin + ((since + grid - 1) / grid) * grid;
	}

	/** The first multiple of {@code interval} after {@code nanos} and after now. */
	long phaseAfter(long nanos, long interval) {
		long since = Math.max(0, Math.max(nanos, System.nanoTime()) - this.origin);
		return this.origin + (since / interval + 1) * interval;
	}

	private static long align(long millis) {
		return ((millis + GRID_MILLIS - 1) / GRID_MILLIS) * GRID_MILLIS;
	}

	boolean stopped() {
		return this.timer.isShutdown();
	}

	/** The context closes: nothing runs any more. */
	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

}
