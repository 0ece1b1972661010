package dev.meetingbridge.periodic;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.QueryTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class PeriodicTasksTests {

	private static final Duration TICK = Duration.ofMillis(PeriodicTasks.GRID_MILLIS);

	private final PeriodicTasks tasks = new PeriodicTasks();

	@AfterEach
	void close() {
		this.tasks.destroy();
	}

	@Test
	void runsATaskAgainAndAgainOnAVirtualThreadNamedForIt() {
		AtomicInteger runs = new AtomicInteger();
		StringBuilder thread = new StringBuilder();
		this.tasks.every("count", Duration.ZERO, TICK, () -> {
			if (runs.incrementAndGet() == 1) {
				thread.append(Thread.currentThread().getName()).append(Thread.currentThread().isVirtual());
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
		assertThat(thread).hasToString("counttrue");
	}

	@Test
	void aBriefTaskRunsOnTheTimerThreadAndIsWaitedForWhenCancelled() {
		AtomicInteger runs = new AtomicInteger();
		StringBuilder thread = new StringBuilder();
		PeriodicTask task = this.tasks.everyBriefly("brief", Duration.ZERO, TICK, () -> {
			if (runs.incrementAndGet() == 2) {
				thread.append(Thread.currentThread().getName()).append(Thread.currentThread().isVirtual());
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
		task.cancel();
		int after = runs.get();
		AtomicInteger other = new AtomicInteger();
		this.tasks.everyBriefly("other", Duration.ZERO, TICK, other::incrementAndGet);
		await().atMost(Duration.ofSeconds(10)).until(() -> other.get() >= 3);
		assertThat(runs.get()).isEqualTo(after);
		assertThat(thread).hasToString("periodicfalse");
	}

	@Test
	void aFailingTaskGoesOnAndIsLoggedOnceWhenItFailsAndOnceWhenItWorksAgain(CapturedOutput output) {
		AtomicInteger runs = new AtomicInteger();
		this.tasks.every("reach the store", Duration.ZERO, TICK, () -> {
			int run = runs.incrementAndGet();
			if (run >= 2 && run <= 5) {
				throw new QueryTimeoutException("Redis does not answer");
			}
			if (run >= 7 && run <= 8) {
				throw new IllegalStateException("a bug");
			}
		});
		await().atMost(Duration.ofSeconds(20)).until(() -> runs.get() >= 10);
		assertThat(count(output, "Could not reach the store: Redis does not answer")).isOne();
		assertThat(count(output, "Could not reach the store (tried again")).isOne();
		assertThat(count(output, "java.lang.IllegalStateException: a bug")).isOne();
		assertThat(count(output, "reach the store: works again after 4 failed rounds")).isOne();
		assertThat(count(output, "reach the store: works again after 2 failed rounds")).isOne();
	}

	@Test
	void aCancelledTaskRunsNoMore() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		PeriodicTask task = this.tasks.every("count", Duration.ZERO, TICK, runs::incrementAndGet);
		await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 2);
		task.cancel();
		int after = runs.get();
		AtomicInteger other = new AtomicInteger();
		this.tasks.every("other", Duration.ZERO, TICK, other::incrementAndGet);
		await().atMost(Duration.ofSeconds(10)).until(() -> other.get() >= 3);
		assertThat(runs.get()).isEqualTo(after);
	}

	@Test
	void cancellingWaitsForTheRoundUnderWay() {
		AtomicInteger ended = new AtomicInteger();
		AtomicInteger started = new AtomicInteger();
		// A round that blocks until it is interrupted: cancel() must end it and wait for
		// it.
		CountDownLatch never = new CountDownLatch(1);
		PeriodicTask task = this.tasks.every("block", Duration.ZERO, TICK, () -> {
			started.incrementAndGet();
			try {
				never.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			ended.incrementAndGet();
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 1);
		task.cancel();
		assertThat(ended).hasValue(1);
	}

	@Test
	void tasksWithTheSameIntervalRunInTheSameRound() {
		AtomicInteger first = new AtomicInteger();
		long[] at = new long[2];
		this.tasks.every("first", Duration.ZERO, Duration.ofSeconds(1), () -> {
			at[0] = System.nanoTime();
			first.incrementAndGet();
		});
		AtomicInteger second = new AtomicInteger();
		this.tasks.every("second", Duration.ofMillis(300), Duration.ofSeconds(1), () -> {
			at[1] = System.nanoTime();
			second.incrementAndGet();
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> first.get() >= 3 && second.get() >= 2);
		long apart = Math.abs(at[0] - at[1]) % Duration.ofSeconds(1).toNanos();
		long gap = Math.min(apart, Duration.ofSeconds(1).toNanos() - apart);
		assertThat(Duration.ofNanos(gap)).isLessThan(Duration.ofMillis(PeriodicTasks.GRID_MILLIS));
	}

	private static int count(CapturedOutput output, String text) {
		return output.getAll().split(java.util.regex.Pattern.quote(text), -1).length - 1;
	}

}
