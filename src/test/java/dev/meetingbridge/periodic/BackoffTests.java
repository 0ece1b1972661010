package dev.meetingbridge.periodic;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTests {

	@Test
	void eachWaitIsDrawnFromTheUpperHalfOfADoublingCappedCeiling() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800));
		long[][] bounds = { { 50, 100 }, { 100, 200 }, { 200, 400 }, { 400, 800 }, { 400, 800 } };
		for (int round = 0; round < 200; round++) {
			for (int failures = 1; failures <= bounds.length; failures++) {
				long[] bound = bounds[failures - 1];
				assertThat(backoff.delayMillis(failures)).as("after %d failures", failures)
					.isBetween(bound[0], bound[1]);
			}
		}
	}

	@Test
	void theWaitsAreSpreadNotAllTheSame() {
		Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
		assertThat(IntStream.range(0, 50).mapToLong((i) -> backoff.delayMillis(3)).distinct().count())
			.isGreaterThan(10);
	}

	@Test
	void aLongRunOfFailuresStaysAtTheCeilingWithoutOverflowing() {
		Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
		for (long failures : new long[] { 40, 63, 64, 1_000, Long.MAX_VALUE }) {
			assertThat(backoff.delayMillis(failures)).isBetween(150_000L, 300_000L);
		}
		assertThat(backoff.delayMillis(0)).isBetween(500L, 1_000L);
	}

}
