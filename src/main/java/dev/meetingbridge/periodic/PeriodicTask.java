package dev.meetingbridge.periodic;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * One periodic task of {@link PeriodicTasks}. A run that throws is logged when the task
 * starts failing, or fails differently, and once more when it works again; the runs in
 * between only count, so that a Redis that is down for minutes logs two lines per task,
 * not one per round.
 */
public final class PeriodicTask {

	private static final Logger logger = LoggerFactory.getLogger(PeriodicTask.class);

	/** How long {@link #cancel()} waits for a run under way to end. */
	private static final Duration CANCEL_WAIT = Duration.ofSeconds(2);

	private final String name;

	private final Runnable work;

	private final long intervalNanos;

	private final PeriodicTasks tasks;

	/** Whether rounds run on the timer thread itself (brief work) or a virtual thread. */
	private final boolean onTimer;

	private final Object lock = new Object();

	private boolean cancelled;

	private @Nullable ScheduledFuture<?> next;

	private @Nullable Thread running;

	/** When the current or next round is due ({@link System#nanoTime()}). */
	private long due;

	/**
	 * Runs that failed in a row, and the kind of their last failure (run thread only).
	 */
	private int failures;

	private @Nullable Class<?> failure;

	PeriodicTask(String name, Runnable work, long intervalNanos, PeriodicTasks tasks, boolean onTimer) {
		this.onTimer = onTimer;
		this.name = name;
		this.work = work;
		this.intervalNanos = intervalNanos;
		this.tasks = tasks;
	}

	void dueAt(long at) {
		synchronized (this.lock) {
			if (this.cancelled || this.tasks.stopped()) {
				return;
			}
			this.due = at;
			try {
				this.next = this.tasks.at(at, this::fire);
			}
			catch (RejectedExecutionException ex) {
				// The context is closing: nothing runs any more.
			}
		}
	}

	/**
	 * On the timer thread: books the next round first (from here, where booking wakes no
	 * thread), then runs this one, unless the last one is still under way.
	 */
	private void fire() {
		synchronized (this.lock) {
			if (this.cancelled) {
				return;
			}
			dueAt(this.tasks.phaseAfter(this.due, this.intervalNanos));
			if (this.running != null) {
				return;
			}
			if (!this.onTimer) {
				Thread thread = Thread.ofVirtual().name(this.name).unstarted(this::run);
				this.running = thread;
				thread.start();
				return;
			}
			this.running = Thread.currentThread();
		}
		run();
	}

	private void run() {
		try {
			this.work.run();
			succeeded();
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
		finally {
			synchronized (this.lock) {
				this.running = null;
				this.lock.notifyAll();
			}
		}
	}

	private void succeeded() {
		if (this.failures > 0) {
			logger.info("{}: works again after {} failed rounds", this.name, this.failures);
			this.failures = 0;
			this.failure = null;
		}
	}

	private void failed(RuntimeException ex) {
		synchronized (this.lock) {
			if (this.cancelled) {
				return;
			}
		}
		this.failures++;
		if (ex.getClass().equals(this.failure)) {
			logger.debug("Could not {} ({} rounds in a row): {}", this.name, this.failures, ex.getMessage());
			return;
		}
		this.failure = ex.getClass();
		long every = TimeUnit.NANOSECONDS.toMillis(this.intervalNanos);
		if (ex instanceof DataAccessException) {
			logger.warn("Could not {}: {} (tried again every {} ms; logged again once it works)", this.name,
					ex.getMessage(), every);
		}
		else {
			logger.error("Could not {} (tried again every {} ms; logged again once it works)", this.name, every, ex);
		}
	}

	/**
	 * No more rounds: the one under way, if any, is waited for (briefly; on a virtual
	 * thread it is interrupted), so that what its owner does next does not race it.
	 */
	public void cancel() {
		long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
		synchronized (this.lock) {
			this.cancelled = true;
			ScheduledFuture<?> scheduled = this.next;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
			Thread current = this.running;
			if (current == null || current == Thread.currentThread()) {
				return;
			}
			if (!this.onTimer) {
				current.interrupt();
			}
			try {
				for (long left = CANCEL_WAIT.toNanos(); this.running != null
						&& left > 0; left = deadline - System.nanoTime()) {
					TimeUnit.NANOSECONDS.timedWait(this.lock, left);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public String toString() {
		return this.name;
	}

}
