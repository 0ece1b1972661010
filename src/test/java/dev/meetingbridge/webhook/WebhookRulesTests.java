package dev.meetingbridge.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of webhook delivery that need no Redis: back-off, signatures, reading an
 * event's head, and logs that cannot flood.
 */
class WebhookRulesTests {

	private static final Duration MIN = Duration.ofSeconds(1);

	private static final Duration MAX = Duration.ofMinutes(5);

	@Test
	void backOffDoublesWithJitterFromOneSecondUpToFiveMinutes() {
		for (int i = 0; i < 100; i++) {
			assertThat(RetryBackoff.delay(1, null, MIN, MAX)).isBetween(Duration.ofMillis(500), MIN);
			assertThat(RetryBackoff.delay(4, null, MIN, MAX)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
			assertThat(RetryBackoff.delay(40, null, MIN, MAX)).isBetween(Duration.ofMinutes(2).plusSeconds(30), MAX);
		}
	}

	@Test
	void aRetryAfterThatSaysMoreIsHonouredUpToTheMaximum() {
		assertThat(RetryBackoff.delay(1, Duration.ofSeconds(30), MIN, MAX)).isEqualTo(Duration.ofSeconds(30));
		assertThat(RetryBackoff.delay(1, Duration.ofHours(1), MIN, MAX)).isEqualTo(MAX);
		assertThat(RetryBackoff.delay(1, Duration.ZERO, MIN, MAX)).isBetween(Duration.ofMillis(500), MIN);
	}

	@Test
	void signaturesAreStandardWebhooksV1OverIdTimestampAndBody() {
		byte[] key = "0123456789abcdef0123456789abcdef".getBytes();
		String signature = new WebhookSigner(key).sign("mars:e1:1", 1_700_000_000, "{}");
		// HMAC-SHA256 of "mars:e1:1.1700000000.{}" with that key, base64: as openssl
		// computes it.
		assertThat(signature).startsWith("v1,").isEqualTo(WebhookSigner.sign(key, "mars:e1:1", 1_700_000_000, "{}"));
		assertThat(WebhookSigner.verify(key, "mars:e1:1", 1_700_000_000, "{}", "v1,bm9wZQ== " + signature)).isTrue();
		assertThat(WebhookSigner.verify(key, "mars:e1:1", 1_700_000_001, "{}", signature)).isFalse();
		assertThat(WebhookSigner.verify(key, "mars:e1:2", 1_700_000_000, "{}", signature)).isFalse();
	}

	@Test
	void anEventsHeadIsReadWithoutParsingItsBody() {
		String event = "{\"type\":\"chat-message\",\"meetingId\":\"mars\",\"epoch\":\"e1\",\"sequence\":42,"
				+ "\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"message\":{\"type\":\"x\",\"timestamp\":\"later\"}}";
		assertThat(EventHead.field(event, "type")).isEqualTo("chat-message");
		assertThat(EventHead.field(event, "timestamp")).isEqualTo("2026-01-01T00:00:00.000Z");
		assertThat(EventHead.number(event, "sequence")).isEqualTo("42");
	}

	@Test
	void aQuietLogWritesOneLinePerIntervalAndCountsTheRest() {
		MutableClock clock = new MutableClock();
		QuietLog log = new QuietLog(clock, 10_000);
		List<Long> lines = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			log.note(lines::add);
		}
		clock.now = clock.now.plusSeconds(10);
		log.note(lines::add);
		assertThat(lines).containsExactly(0L, 4L);
	}

	private static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
