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
 * covers is reported. When Redis loses acknowledged writes and the history goes back, the
 * feed notices, gives the meeting a new epoch and reports it, so that no listener gets
 * two events under one (epoch, sequence). Repairs run inline here, so every step is
 * deterministic.
 */
class MeetingFeedTests {

	private static final String MEETING = "mars";

	/** The meeting as Redis holds it: its sequence, its epoch and its capped history. */
	private long sequence;

	private String epoch = "e1";

	private final List<ReceivedEvent> history = new ArrayList<>();

	private boolean exists = true;

	private int kept = 1000;

	private int epochs = 1;

	private final AtomicInteger historyReads = new AtomicInteger();

	private final AtomicInteger resets = new AtomicInteger();

	private RuntimeException historyFailure;

	private final List<ReceivedEvent> delivered = new ArrayList<>();

	private final AtomicInteger lost = new AtomicInteger();

	private final FeedHistory redis = new FeedHistory() {
		@Override
		public Page after(String meetingId, long after, int limit) {
			MeetingFeedTests.this.historyReads.incrementAndGet();
			if (MeetingFeedTests.this.historyFailure != null) {
				throw MeetingFeedTests.this.historyFailure;
			}
			if (!MeetingFeedTests.this.exists) {
				return Page.gone();
			}
			List<ReceivedEvent> recorded = MeetingFeedTests.this.history;
			List<ReceivedEvent> page = recorded
				.subList(Math.max(0, recorded.size() - MeetingFeedTests.this.kept), recorded.size())
				.stream()
				.filter((event) -> event.event().sequence() > after)
				.limit(limit)
				.toList();
			return new Page(true, MeetingFeedTests.this.sequence, MeetingFeedTests.this.epoch, page);
		}

		@Override
		public Page resetEpoch(String meetingId, String seen) {
			if (seen.equals(MeetingFeedTests.this.epoch)) {
				MeetingFeedTests.this.resets.incrementAndGet();
				MeetingFeedTests.this.epoch = "e" + (++MeetingFeedTests.this.epochs);
				MeetingFeedTests.this.history.clear();
			}
			return new Page(true, MeetingFeedTests.this.sequence, MeetingFeedTests.this.epoch, List.of());
		}
	};

	/** Events the listener refuses to take (it cannot write them, say). */
	private int refusals;

	private final EventRelay.Listener listener = new EventRelay.Listener() {
		@Override
		public void onEvent(ReceivedEvent event) {
			if (MeetingFeedTests.this.refusals > 0) {
				MeetingFeedTests.this.refusals--;
				throw new IllegalStateException("cannot write");
			}
			MeetingFeedTests.this.delivered.add(event);
		}

		@Override
		public void onLost(String meetingId) {
			MeetingFeedTests.this.lost.incrementAndGet();
		}
	};

	private final MeetingFeed feed = new MeetingFeed(MEETING, this.listener, this.redis, Runnable::run,
			new FeedStatistics(new SimpleMeterRegistry()));

	@Test
	void eventsInSequenceAreHandedOnWithoutReadingTheHistory() {
		live();
		int readsWhenLive = this.historyReads.get();
		for (int i = 0; i < 5; i++) {
			this.feed.accept(publish());
		}
		assertThat(sequences()).containsExactly(1L, 2L, 3L, 4L, 5L);
		assertThat(this.historyReads.get()).isEqualTo(readsWhenLive);
	}

	@Test
	void anEventThatJumpsAheadWaitsUntilTheMissedOnesAreReadFromTheHistory() {
		live();
		this.feed.accept(publish());
		publish();
		publish();
		this.feed.accept(publish());
		assertThat(sequences()).containsExactly(1L, 2L, 3L, 4L);
		assertThat(this.lost).hasValue(0);
		assertThat(this.resets).hasValue(0);
	}

	@Test
	void repeatedAndLateEventsAreDroppedSoEachIsDeliveredOnce() {
		live();
		ReceivedEvent first = publish();
		ReceivedEvent second = publish();
		this.feed.accept(first);
		this.feed.accept(second);
		this.feed.accept(first);
		this.feed.accept(second);
		assertThat(sequences()).containsExactly(1L, 2L);
		assertThat(this.resets).hasValue(0);
	}

	@Test
	void aResubscribeCatchesUpAQuietMeeting() {
		live();
		this.feed.accept(publish());
		publish();
		publish();
		this.feed.resubscribed();
		assertThat(sequences()).containsExactly(1L, 2L, 3L);
		assertThat(this.resets).hasValue(0);
	}

	@Test
	void theFirstConfirmationOfTheChannelIsNoResubscribe() {
		this.feed.start(this.redis.latest(MEETING));
		this.feed.expectConfirmation();
		this.feed.resubscribed();
		this.feed.settle();
		int reads = this.historyReads.get();
		this.feed.accept(publish());
		assertThat(this.historyReads.get()).isEqualTo(reads);
		assertThat(sequences()).containsExactly(1L);
	}

	@Test
	void settlingDeliversWhatWasPublishedWhileSubscribingAndNothingBefore() {
		publish();
		publish();
		this.feed.start(this.redis.latest(MEETING));
		ReceivedEvent third = publish();
		ReceivedEvent fourth = publish();
		// The fourth arrived over pub/sub while subscribing; the third was published just
		// before.
		this.feed.accept(fourth);
		this.feed.settle();
		this.feed.accept(third);
		assertThat(sequences()).containsExactly(3L, 4L);
	}

	@Test
	void aGapTheHistoryNoLongerHoldsIsReportedAndTheFeedGoesOnFromTheNewest() {
		this.kept = 3;
		live();
		this.feed.accept(publish());
		for (int i = 0; i < 5; i++) {
			publish();
		}
		this.feed.accept(publish());
		assertThat(this.lost).hasValue(1);
		assertThat(sequences()).containsExactly(1L);
		this.feed.accept(publish());
		assertThat(sequences()).containsExactly(1L, 8L);
	}

	@Test
	void aMeetingCreatedAgainUnderItsIdAfterItEndedStartsFromOneWithoutAResync() {
		live();
		this.feed.accept(publish());
		this.feed.accept(publish(EventType.MEETING_ENDED));
		createdAgain();
		this.feed.accept(publish());
		assertThat(sequences()).containsExactly(1L, 2L, 1L);
		assertThat(this.lost).hasValue(0);
	}

	@Test
	void settlingFailsWhenTheHistoryCannotBeRead() {
		this.feed.start(this.redis.latest(MEETING));
		this.historyFailure = new QueryTimeoutException("Redis is frozen");
		assertThatExceptionOfType(QueryTimeoutException.class).isThrownBy(this.feed::settle);
	}

	@Test
	void aHistoryThatEndsBeforeWhatWasDeliveredGetsANewEpochAndTheListenersResync() {
		live();
		for (int i = 0; i < 6; i++) {
			this.feed.accept(publish());
		}
		lose(3);
		this.feed.resubscribed();
		assertThat(this.resets).hasValue(1);
		assertThat(this.lost).hasValue(1);
		// What comes next is of the new epoch, from where the meeting now stands.
		this.feed.accept(publish());
		assertThat(this.delivered.get(this.delivered.size() - 1).event().epoch()).isEqualTo("e2");
		assertThat(sequences()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 4L);
		assertNoTwoEventsUnderOneName();
	}

	@Test
	void theSameSequenceWithOtherContentAfterAFailoverGetsANewEpochAndTheListenersResync() {
		live();
		for (int i = 0; i < 6; i++) {
			this.feed.accept(publish());
		}
		lose(3);
		// New writes reuse 4, 5, 6 (and go past) before the feed catches up.
		for (int i = 0; i < 4; i++) {
			publish();
		}
		this.feed.resubscribed();
		assertThat(this.resets).hasValue(1);
		assertThat(this.lost).hasValue(1);
		assertThat(sequences()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		this.feed.accept(publish());
		assertThat(sequences()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 8L);
		assertNoTwoEventsUnderOneName();
	}

	@Test
	void aLiveEventThatRewritesTheLastSequenceDeliveredIsCaught() {
		live();
		for (int i = 0; i < 3; i++) {
			this.feed.accept(publish());
		}
		lose(1);
		this.feed.accept(publish());
		assertThat(this.resets).hasValue(1);
		assertThat(this.lost).hasValue(1);
		assertNoTwoEventsUnderOneName();
	}

	@Test
	void anEventOfAnEpochAnotherInstanceStartedMakesTheListenersResync() {
		live();
		this.feed.accept(publish());
		this.feed.accept(publish());
		this.redis.resetEpoch(MEETING, this.epoch);
		this.feed.accept(publish());
		assertThat(this.lost).hasValue(1);
		this.feed.accept(publish());
		assertThat(this.delivered.get(this.delivered.size() - 1).event().epoch()).isEqualTo("e2");
		assertNoTwoEventsUnderOneName();
	}

	@Test
	void lateEventsOfAnEpochTheFeedLeftAreDropped() {
		live();
		this.feed.accept(publish());
		ReceivedEvent late = publish();
		lose(1);
		this.feed.resubscribed();
		int deliveredBefore = this.delivered.size();
		this.feed.accept(late);
		this.feed.accept(publish());
		assertThat(this.lost).hasValue(1);
		assertThat(this.delivered).hasSize(deliveredBefore + 1);
		assertNoTwoEventsUnderOneName();
	}

	@Test
	void aMeetingThatVanishedFromRedisMakesTheListenersResync() {
		live();
		this.feed.accept(publish());
		this.exists = false;
		this.feed.resubscribed();
		assertThat(this.lost).hasValue(1);
	}

	@Test
	void aListenerThatFailsToTakeAnEventIsToldToResyncAndGetsTheNextOne() {
		live();
		this.refusals = 1;
		this.feed.accept(publish());
		assertThat(this.lost).hasValue(1);
		this.feed.accept(publish());
		assertThat(sequences()).containsExactly(2L);
	}

	private void live() {
		this.feed.start(this.redis.latest(MEETING));
		this.feed.settle();
	}

	private List<Long> sequences() {
		return this.delivered.stream().map((event) -> event.event().sequence()).toList();
	}

	/** No (epoch, sequence) was delivered with two different contents. */
	private void assertNoTwoEventsUnderOneName() {
		java.util.Map<String, String> seen = new java.util.HashMap<>();
		for (ReceivedEvent event : this.delivered) {
			String name = event.event().epoch() + "/" + event.event().sequence();
			assertThat(seen.putIfAbsent(name, event.json())).as(name).isIn(null, event.json());
		}
	}

	/**
	 * Redis loses the newest events (a failover to a replica that lacked them): the
	 * sequence and the history go back; the epoch stays, as nothing noticed yet.
	 */
	private void lose(int events) {
		this.sequence -= events;
		for (int i = 0; i < events; i++) {
			this.history.remove(this.history.size() - 1);
		}
	}

	/** The meeting was removed after it ended, and created again under its id. */
	private void createdAgain() {
		this.sequence = 0;
		this.history.clear();
		this.epoch = "e" + (++this.epochs);
	}

	private ReceivedEvent publish() {
		return publish(EventType.PARTICIPANT_JOINED);
	}

	/**
	 * Records the meeting's next event, as a script would, and returns it as pub/sub
	 * delivers it.
	 */
	private ReceivedEvent publish(EventType type) {
		long next = ++this.sequence;
		String timestamp = "2026-12-01T10:00:00.000Z";
		// Each event is its own: the same sequence written again after a loss differs.
		String id = "p" + next + "-" + this.history.size() + "-" + System.nanoTime();
		BridgeEvent event = (type == EventType.MEETING_ENDED)
				? new BridgeEvent.MeetingEnded(type.wireName(), MEETING, this.epoch, next, timestamp, null)
				: new BridgeEvent.ParticipantJoined(type.wireName(), MEETING, this.epoch, next, timestamp,
						new Participant(id, "P " + next, timestamp), null);
		ReceivedEvent received = new ReceivedEvent(event, type,
				"{\"epoch\":\"" + this.epoch + "\",\"sequence\":" + next + ",\"id\":\"" + id + "\"}",
				System.nanoTime());
		this.history.add(received);
		return received;
	}

}
