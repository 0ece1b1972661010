package dev.meetingbridge.event;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.meetingbridge.meeting.Participant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A feed that cannot read its meeting's history (Redis is away) keeps trying in the
 * background, waiting longer after each failure, so that an outage does not turn into a
 * stream of requests from every meeting's feed; once Redis is back, the missed events
 * still arrive, in order, and the next outage starts again with short waits.
 */
class FeedBackoffTests {

	private static final String MEETING = "venus";

	private final ExecutorService repairs = Executors.newVirtualThreadPerTaskExecutor();

	private final List<ReceivedEvent> history = new CopyOnWriteArrayList<>();

	private final List<Long> attempts = new CopyOnWriteArrayList<>();

	private volatile boolean redisAway;

	private final List<Long> delivered = new CopyOnWriteArrayList<>();

	private final FeedHistory redis = new FeedHistory() {
		@Override
		public Page after(String meetingId, long after, int limit) {
			if (FeedBackoffTests.this.redisAway) {
				FeedBackoffTests.this.attempts.add(System.nanoTime());
				throw new QueryTimeoutException("Redis is away");
			}
			List<ReceivedEvent> page = FeedBackoffTests.this.history.stream()
				.filter((event) -> event.event().sequence() > after)
				.limit(limit)
				.toList();
			return new Page(true, FeedBackoffTests.this.history.size(), "e1", page);
		}

		@Override
		public Page resetEpoch(String meetingId, String seen) {
			throw new AssertionError("the history never goes back here");
		}
	};

	private final MeetingFeed feed = new MeetingFeed(MEETING, (event) -> this.delivered.add(event.event().sequence()),
			this.redis, this.repairs, new FeedStatistics(new SimpleMeterRegistry()));

	@AfterEach
	void stopRepairs() {
		this.feed.close();
		this.repairs.shutdownNow();
	}

	@Test
	void duringAnOutageAttemptsAreSpacedOutAndAfterItTheMissedEventsArrive() {
		this.feed.start(this.redis.latest(MEETING));
		this.feed.settle();
		this.feed.accept(publish());

		this.redisAway = true;
		publish();
		this.feed.accept(publish());
		await("five attempts").atMost(Duration.ofSeconds(20)).until(() -> this.attempts.size() >= 5);
		List<Long> gaps = gapsMillis(this.attempts.subList(0, 5));
		assertThat(gaps.get(3)).as("waits grow: %s", gaps).isGreaterThanOrEqualTo(2 * gaps.get(0));
		assertThat(gaps.get(3)).as("waits grow: %s", gaps).isGreaterThan(gaps.get(1));

		this.redisAway = false;
		await("the missed events").atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.delivered).containsExactly(1L, 2L, 3L));
		long longestWait = gaps.get(3);

		this.attempts.clear();
		this.redisAway = true;
		publish();
		this.feed.accept(publish());
		await("two attempts").atMost(Duration.ofSeconds(20)).until(() -> this.attempts.size() >= 2);
		assertThat(gapsMillis(this.attempts.subList(0, 2)).get(0)).as("a success starts over from short waits")
			.isLessThan(longestWait);
		this.redisAway = false;
		await("the events of the second outage").atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.delivered).containsExactly(1L, 2L, 3L, 4L, 5L));
	}

	private static List<Long> gapsMillis(List<Long> times) {
		return java.util.stream.IntStream.range(1, times.size())
			.mapToObj((i) -> (times.get(i) - times.get(i - 1)) / 1_000_000)
			.toList();
	}

	private ReceivedEvent publish() {
		long next = this.history.size() + 1;
		String timestamp = "2026-12-01T10:00:00.000Z";
		BridgeEvent event = new BridgeEvent.ParticipantJoined("participant-joined", MEETING, "e1", next, timestamp,
				new Participant("p" + next, "P " + next, timestamp), null);
		ReceivedEvent received = new ReceivedEvent(event, EventType.PARTICIPANT_JOINED, "{\"sequence\":" + next + "}",
				System.nanoTime());
		this.history.add(received);
		return received;
	}

}
