package dev.meetingbridge.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connects of one pair of meetings that race each other, or that meet what a connect or a
 * close which stopped halfway left behind: one connection results, every caller is
 * answered with it at once, and no side is left open alone (docs/api.md 'REST API').
 */
class ConnectRaceTests extends IntegrationTest {

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private RedisKeys keys;

	@Test
	void concurrentConnectsInBothDirectionsOpenExactlyOneConnectionAndAnswerItToEveryCaller() throws Exception {
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			for (int round = 0; round < 5; round++) {
				String a = fixtures.activeMeetingWith();
				String b = fixtures.activeMeetingWith();
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Api.Response>> attempts = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					String from = (i % 2 == 0) ? a : b;
					String to = (i % 2 == 0) ? b : a;
					String payload = "caller " + i;
					attempts.add(pool.submit(() -> {
						start.await();
						return api.post(connections(from), Map.of("meetingId", to, "payload", payload));
					}));
				}
				start.countDown();
				List<Api.Response> responses = new ArrayList<>();
				for (Future<Api.Response> attempt : attempts) {
					responses.add(attempt.get());
				}

				assertThat(responses).extracting(Api.Response::status)
					.as("round %d", round)
					.containsOnly(200, 201)
					.filteredOn((status) -> status == 201)
					.hasSize(1);
				JsonNode opened = responses.stream()
					.filter((response) -> response.status() == 201)
					.findFirst()
					.orElseThrow()
					.json();
				assertThat(responses).allSatisfy((response) -> {
					assertThat(response.json().path("id").asString()).isEqualTo(opened.path("id").asString());
					assertThat(response.json().path("payload").asString()).isEqualTo(opened.path("payload").asString());
					assertThat(response.json().path("createdAt").asString())
						.isEqualTo(opened.path("createdAt").asString());
				});
				assertOnlyOpen(opened.path("id").asString(), a, b);
				assertThat(events(a, "connection-close")).isEmpty();
				assertThat(events(b, "connection-close")).isEmpty();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aConnectFinishesTheConnectionThatAConnectWhichStoppedAfterClaimingThePairLeft() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String claimed = ConnectionId.generate().value();
		// What a connect from a that stopped right after claiming the pair leaves.
		this.redis.opsForValue()
			.set(this.keys.link(a, b), "{\"id\":\"" + claimed
					+ "\",\"payload\":\"left behind\",\"createdAt\":\"2026-12-07T10:00:00.000Z\",\"otherMeetingId\":\""
					+ b + "\"}");

		Api.Response connected = api.post(connections(b), Map.of("meetingId", a, "payload", "mine"));

		assertThat(connected.status()).as(connected.toString()).isEqualTo(200);
		assertThat(connected.json().path("id").asString()).isEqualTo(claimed);
		assertThat(connected.json().path("payload").asString()).isEqualTo("left behind");
		assertThat(connected.json().path("meeting").path("id").asString()).isEqualTo(a);
		assertOnlyOpen(claimed, a, b);
	}

	@Test
	void aConnectClosesTheConnectionThatACloseWhichStoppedHalfwayLeftOpenOnOneSideAndOpensANewOne() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String first = fixtures.connect(a, b);
		// What a close from a that stopped after a's side leaves: b's side open, the pair
		// still naming the connection.
		this.redis.opsForHash().delete(this.keys.connections(a), first);

		Api.Response connected = api.post(connections(a), Map.of("meetingId", b));

		assertThat(connected.status()).as(connected.toString()).isEqualTo(201);
		String second = connected.json().path("id").asString();
		assertThat(second).isNotEqualTo(first);
		assertThat(events(b, "connection-close")).singleElement()
			.satisfies((closed) -> assertThat(closed.path("connectionId").asString()).isEqualTo(first));
		assertThat(api.get(connections(b) + "/" + first).code()).isEqualTo("connection-closed");
		assertOnlyOpen(second, a, b);
	}

	@Test
	void aPairKeyThatNamesOnlyItsConnectionStillAnswersAndReleasesIt() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String first = fixtures.connect(a, b);
		this.redis.opsForValue().set(this.keys.link(a, b), first);

		Api.Response again = api.post(connections(b), Map.of("meetingId", a));
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.json().path("id").asString()).isEqualTo(first);
		assertThat(again.json().path("payload").asString()).isEqualTo("hello");

		assertThat(api.delete(connections(a) + "/" + first).status()).isEqualTo(204);
		Api.Response next = api.post(connections(a), Map.of("meetingId", b));
		assertThat(next.status()).as(next.toString()).isEqualTo(201);
		assertOnlyOpen(next.json().path("id").asString(), a, b);
	}

	/** Each meeting has this one connection open, and opened it once. */
	private void assertOnlyOpen(String connectionId, String... meetingIds) {
		for (String meetingId : meetingIds) {
			JsonNode open = api.get(connections(meetingId)).json().path("connections");
			assertThat(open.size()).as("open connections of %s", meetingId).isEqualTo(1);
			assertThat(open.get(0).path("id").asString()).isEqualTo(connectionId);
			assertThat(events(meetingId, "connection-open"))
				.filteredOn((event) -> connectionId.equals(event.path("connection").path("id").asString()))
				.hasSize(1);
		}
	}

}
