package dev.meetingbridge.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RedisCommands;
import dev.meetingbridge.support.StompTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When Redis loses acknowledged writes (here: the newest events and what they changed are
 * taken back, as a failover to a replica that lacked them does), the bridge notices by
 * itself, gives the meeting a new epoch, closes its subscribers with 4000 {@code resync}
 * and answers the old epoch's history with 409 {@code history-reset}; no subscriber gets
 * two different events under one (epoch, sequence).
 */
class HistoryResetTests extends IntegrationTest {

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private RedisKeys keys;

	@Autowired
	private MeterRegistry meters;

	@Test
	void aHistoryThatWentBackIsNoticedAtTheNextReconnectAndItsSubscribersReload() {
		Loss loss = meetingThatLosesItsNewestJoins();
		// A failover drops every pub/sub link; the feed checks the history when it is
		// back.
		RedisCommands.dropPubSubConnections();
		loss.assertNoticed();
	}

	@Test
	void aSequenceReusedAfterTheLossIsNoticedWithoutAReconnect() {
		Loss loss = meetingThatLosesItsNewestJoins();
		// Its event reuses sequence 4, which the subscriber has seen with other content.
		fixtures.join(loss.meeting, fixtures.participant("newcomer"));
		loss.assertNoticed();
	}

	@Test
	void historyReadsWithAnotherEpochOrBeyondTheLatestSequenceAnswerHistoryReset() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("alice"));
		Api.Response history = api.get("/api/meetings/" + meeting + "/events");
		String epoch = history.json().path("epoch").asString();
		assertThat(api.get("/api/meetings/" + meeting + "/events?after=1&epoch=" + epoch).status()).isEqualTo(200);
		Api.Response other = api.get("/api/meetings/" + meeting + "/events?after=1&epoch=not-" + epoch);
		assertThat(other.status()).isEqualTo(409);
		assertThat(other.code()).isEqualTo("history-reset");
		Api.Response beyond = api.get("/api/meetings/" + meeting + "/events?after=2&epoch=" + epoch);
		assertThat(beyond.status()).isEqualTo(409);
		assertThat(beyond.code()).isEqualTo("history-reset");
		assertThat(api.get("/api/meetings/" + meeting + "/events?after=2").status()).as("without an epoch, as before")
			.isEqualTo(200);
	}

	/**
	 * A meeting with six joins, followed by a subscriber that received all six; then
	 * Redis loses the last three (sequence, history and participants go back).
	 */
	private Loss meetingThatLosesItsNewestJoins() {
		String meeting = fixtures.activeMeetingWith();
		StompTestClient subscriber = stomp(tokens.server());
		Map<String, StompTestClient.Received> topics = subscriber.subscribeAll(meeting);
		List<String> joined = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			String participant = fixtures.participant("p" + i);
			fixtures.join(meeting, participant);
			joined.add(participant);
		}
		topics.get("participant-joined").awaitSize(6);
		String epoch = lastEvent(meeting).path("epoch").asString();
		this.redis.opsForHash().increment(this.keys.meeting(meeting), "seq", -3);
		for (int i = 0; i < 3; i++) {
			this.redis.opsForList().rightPop(this.keys.history(meeting));
			this.redis.opsForHash().delete(this.keys.participants(meeting), joined.get(5 - i));
		}
		return new Loss(meeting, epoch, subscriber, this.meters.counter("bridge.events.history.resets").count());
	}

	private JsonNode lastEvent(String meeting) {
		List<JsonNode> events = new ArrayList<>();
		api.get("/api/meetings/" + meeting + "/events?limit=1000").json().path("events").forEach(events::add);
		return events.get(events.size() - 1);
	}

	private final class Loss {

		private final String meeting;

		private final String epoch;

		private final StompTestClient subscriber;

		private final double resetsBefore;

		Loss(String meeting, String epoch, StompTestClient subscriber, double resetsBefore) {
			this.meeting = meeting;
			this.epoch = epoch;
			this.subscriber = subscriber;
			this.resetsBefore = resetsBefore;
		}

		void assertNoticed() {
			try (StompTestClient subscriber = this.subscriber) {
				await("the subscriber is told to reload").atMost(Duration.ofSeconds(30)).until(subscriber::closed);
				assertThat(subscriber.closeCode()).isEqualTo(4000);
				Map<String, String> seen = new HashMap<>();
				for (JsonNode event : subscriber.arrivals()) {
					String name = event.path("epoch").asString() + "/" + event.path("sequence").asLong();
					assertThat(seen.putIfAbsent(name, event.toString())).as(name).isIn(null, event.toString());
				}
			}
			Api.Response old = api.get("/api/meetings/" + this.meeting + "/events?after=6&epoch=" + this.epoch);
			assertThat(old.status()).as(old.toString()).isEqualTo(409);
			assertThat(old.code()).isEqualTo("history-reset");
			Api.Response now = api.get("/api/meetings/" + this.meeting + "/events");
			assertThat(now.json().path("epoch").asString()).isNotEqualTo(this.epoch);
			assertThat(HistoryResetTests.this.meters.counter("bridge.events.history.resets").count())
				.isGreaterThan(this.resetsBefore);
			// The meeting goes on under its new epoch, and a new subscriber follows it.
			try (StompTestClient again = stomp(tokens.server())) {
				StompTestClient.Received joins = again
					.subscribe("/topic/meetings/" + this.meeting + "/participant-joined");
				String late = fixtures.participant("late");
				fixtures.join(this.meeting, late);
				JsonNode event = joins.await((e) -> late.equals(e.path("participant").path("id").asString()));
				assertThat(event.path("epoch").asString()).isEqualTo(now.json().path("epoch").asString());
			}
		}

	}

}
