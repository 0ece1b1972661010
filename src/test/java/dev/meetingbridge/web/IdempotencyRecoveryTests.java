package dev.meetingbridge.web;

import java.util.Map;
import java.util.UUID;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.store.IdempotencyRecords;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.Timestamps;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code Idempotency-Key} across failures: its record outlives the instance that kept
 * it, a repeat while the first is under way is asked to retry later (409 with
 * {@code Retry-After}), and a repeat finishes a change whose instance died halfway.
 */
class IdempotencyRecoveryTests extends IdempotencyFixture {

	@Autowired
	private IdempotencyRecords records;

	@Autowired
	private MeetingScripts scripts;

	@Autowired
	private Timestamps timestamps;

	@Autowired
	private StringRedisTemplate redis;

	@Test
	void aKeyOutlivesTheInstanceThatKeptItsAnswer() {
		Pair pair = connectedMeetings();
		String key = UUID.randomUUID().toString();
		String path = connections(pair.here()) + "/" + pair.connection() + "/chat-messages";
		Api.Response first;
		try (BridgeInstance other = BridgeInstance.start()) {
			first = other.api(tokens.participant(pair.alice()))
				.with(Idempotency.HEADER, key)
				.post(path, Map.of("message", "before the restart"));
		}
		Api.Response repeat = api.as(tokens.participant(pair.alice()))
			.with(Idempotency.HEADER, key)
			.post(path, Map.of("message", "before the restart"));
		assertReplayed(first, repeat, 201);
		assertThat(events(pair.there(), "chat-message")).hasSize(1);
	}

	@Test
	void aRepeatWhileTheFirstIsUnderWayIsAskedToRetryLater() {
		String meeting = fixtures.activeMeetingWith();
		String key = UUID.randomUUID().toString();
		Idempotency idempotency = serverKey(key, "/api/meetings/" + meeting + "/end");
		this.records.begin(this.records.onMeeting(meeting, idempotency), idempotency, meeting);
		Api.Response busy = api.with(Idempotency.HEADER, key).post("/api/meetings/" + meeting + "/end");
		assertThat(busy.status()).as(busy.toString()).isEqualTo(409);
		assertThat(busy.code()).isEqualTo("idempotency-key-in-progress");
		assertThat(Long.parseLong(busy.header("Retry-After"))).isBetween(1L, 10L);
		assertThat(events(meeting, "meeting-ended")).isEmpty();
	}

	@Test
	void aRepeatAfterTheFirstAttemptsInstanceDiedHalfwayFinishesTheChange() {
		// The first attempt ended the meeting (its first step) and died there: the other
		// side's connection still open, no meeting-ended published.
		Pair pair = connectedMeetings();
		String key = UUID.randomUUID().toString();
		String path = "/api/meetings/" + pair.here() + "/end";
		Idempotency idempotency = serverKey(key, path);
		String record = this.records.onMeeting(pair.here(), idempotency);
		this.records.begin(record, idempotency, pair.here());
		this.scripts.run(MeetingScript.END_MEETING, pair.here(), this.timestamps.now(), idempotency.recordId());
		assertThat(api.post("/api/meetings/" + pair.here() + "/end").code()).as("ended, for anyone else")
			.isEqualTo("meeting-ended");
		// Its lease runs out, as it does when its instance is gone.
		this.redis.opsForHash().put(record, "lease", "0");

		Api.Response repeat = api.with(Idempotency.HEADER, key).post(path);
		assertThat(repeat.status()).as(repeat.toString()).isEqualTo(200);
		assertThat(repeat.json().path("status").asString()).isEqualTo("ended");
		assertThat(events(pair.here(), "meeting-ended")).hasSize(1);
		assertThat(events(pair.there(), "connection-close")).as("the other side closed too").hasSize(1);
		assertReplayed(repeat, api.with(Idempotency.HEADER, key).post(path), 200);
	}

}
