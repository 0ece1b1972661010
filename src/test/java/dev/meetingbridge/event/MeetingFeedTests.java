package dev.meetingbridge.event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.meetingbridge.meeting.Participant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A meeting's feed hands its listeners every event once, in sequence order, whatever
 * pub/sub loses or repeats: the history fills gaps, and a gap the history no longer
 * covers is reported. Repairs run inline here, so every step is deterministic.
 */
class MeetingFeedTests {

	private static final String MEETING = "mars";

	/**
	 * The meeting's recorded events, as the history script returns them (the newest
	 * {@link #kept}).
	 */
	private final List<ReceivedEvent> recorded = new ArrayList<>();

	private int kept = 1000;

	private final AtomicInteger historyReads = new AtomicInteger();

	private RuntimeException historyFailure;

	private final List<Long> delivered = new ArrayList<>();

	private final AtomicInteger lost = new AtomicInteger();

	private final FeedHistory history = (meetingId, after, limit) -> {
		this.historyReads.incrementAndGet();
		if (this.historyFailure != null) {
			throw this.historyFailure;
		}
		long latest = this.recorded.size();
		long first = Math.max(1, latest - this.kept + 1);
		List<ReceivedEvent> page = this.recorded.stream()
			.filter((event) -> event.event().sequence() > after && event.event().sequence() >= first)
			.limit(limit)
			.toList();
		return new FeedHistory.Page(true, latest, page);
	};

	private final MeetingFeed feed = new MeetingFeed(MEETING, this.history, Runnable::run,
			new FeedStatistics(new SimpleMeterRegistry()));

	MeetingFeedTests() {
		this.feed.listeners().add(new EventRelay.Listener() {
			@Override
			public void onEvent(ReceivedEvent event) {
				MeetingFeedTests.this.delivered.add(event.event().sequence());
			}

			@Override
			public void onLost(String meetingId) {
				MeetingFeedTests.this.lost.incrementAndGet();
			}
		});
	}

	@Test
	void eventsInSequenceAreHandedOnWithoutReadingTheHistory() {
		live(0);
		int readsWhenLive = this.historyReads.get();
		for (int i = 0; i < 5; i++) {
			this.feed.accept(publish());
		}
		assertThat(this.delivered).containsExactly(1L, 2L, 3L, 4L, 5L);
		assertThat(this.historyReads.get()).isEqualTo(readsWhenLive);
	}

	@Test
	void anEventThatJumpsAheadWaitsUntilTheMissedOnesAreReadFromTheHistory() {
		live(0);
		this.feed.accept(publish());
		publish();
		publish();
		this.feed.accept(publish());
		assertThat(this.delivered).containsExactly(1L, 2L, 3L, 4L);
		assertThat(this.lost).hasValue(0);
	}

	@Test
	void repeatedAndLateEventsAreDroppedSoEachIsDeliveredOnce() {
		live(0);
		ReceivedEvent first = publish();
		ReceivedEvent second = publish();
		this.feed.accept(first);
		this.feed.accept(second);
		this.feed.accept(first);
		this.feed.accept(second);
		assertThat(this.delivered).containsExactly(1L, 2L);
	}

	@Test
	void aResubscribeCatchesUpAQuietMeeting() {
		live(0);
		this.feed.accept(publish());
		publish();
		publish();
		this.feed.resubscribed();
		assertThat(this.delivered).containsExactly(1L, 2L, 3L);
	}

	@Test
	void theFirstConfirmationOfTheChannelIsNoResubscribe() {
		this.feed.start(0);
		this.feed.expectConfirmation();
		this.feed.resubscribed();
		this.feed.settle();
		int reads = this.historyReads.get();
		this.feed.accept(publish());
		assertThat(this.historyReads.get()).isEqualTo(reads);
		assertThat(this.delivered).containsExactly(1L);
	}

	@Test
	void settlingDeliversWhatWasPublishedWhileSubscribingAndNothingBefore() {
		publish();
		publish();
		this.feed.start(2);
		ReceivedEvent third = publish();
		ReceivedEvent fourth = publish();
		// The fourth arrived over pub/sub while subscribing; the third was published just
		// before.
		this.feed.accept(fourth);
		this.feed.settle();
		this.feed.accept(third);
		assertThat(this.delivered).containsExactly(3L, 4L);
	}

	@Test
	void aGapTheHistoryNoLongerHoldsIsReportedAndTheFeedGoesOnFromTheNewest() {
		this.kept = 3;
		live(0);
		this.feed.accept(publish());
		for (int i = 0; i < 5; i++) {
			publish();
		}
		this.feed.accept(publish());
		assertThat(this.lost).hasValue(1);
		assertThat(this.delivered).containsExactly(1L);
		this.feed.accept(publish());
		assertThat(this.delivered).containsExactly(1L, 8L);
	}

	@Test
	void aMeetingCreatedAgainUnderItsIdAfterItEndedStartsFromOne() {
		live(0);
		this.feed.accept(publish());
		this.feed.accept(publish(EventType.MEETING_ENDED));
		this.recorded.clear();
		this.feed.accept(publish());
		assertThat(this.delivered).containsExactly(1L, 2L, 1L);
	}

	@Test
	void settlingFailsWhenTheHistoryCannotBeRead() {
		this.feed.start(0);
		this.historyFailure = new QueryTimeoutException("Redis is frozen");
		assertThatExceptionOfType(QueryTimeoutException.class).isThrownBy(this.feed::settle);
	}

	private void live(long baseline) {
		this.feed.start(baseline);
		this.feed.settle();
	}

	private ReceivedEvent publish() {
		return publish(EventType.PARTICIPANT_JOINED);
	}

	/**
	 * Records the meeting's next event, as a script would, and returns it as pub/sub
	 * delivers it.
	 */
	private ReceivedEvent publish(EventType type) {
		long sequence = this.recorded.size() + 1;
		String timestamp = "2026-12-01T10:00:00.000Z";
		BridgeEvent event = (type == EventType.MEETING_ENDED)
				? new BridgeEvent.MeetingEnded(type.wireName(), MEETING, sequence, timestamp, null)
				: new BridgeEvent.ParticipantJoined(type.wireName(), MEETING, sequence, timestamp,
						new Participant("p" + sequence, "P " + sequence, timestamp));
		ReceivedEvent received = new ReceivedEvent(event, type, "{}", System.nanoTime());
		this.recorded.add(received);
		return received;
	}

}
