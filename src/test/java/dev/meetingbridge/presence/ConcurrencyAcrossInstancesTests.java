package dev.meetingbridge.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.LongStream;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.MeetingHistory;
import dev.meetingbridge.support.StompTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Three instances on one Redis, written to concurrently: state stays consistent without
 * locks, every subscriber on every instance sees every event of a meeting once and in
 * sequence order, and the chat rate limit is one budget across instances (docs/api.md
 * 'REST API', 'Events', 'Configuration').
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { ConcurrencyAcrossInstancesTests.RATE_PROPERTY, ConcurrencyAcrossInstancesTests.BURST_PROPERTY })
class ConcurrencyAcrossInstancesTests extends IntegrationTest {

	static final String RATE_PROPERTY = "bridge.chat.rate-per-second=1";

	static final String BURST_PROPERTY = "bridge.chat.burst=3";

	private static final List<String> TOPICS = List.of("participant-joined", "participant-left", "chat-message",
			"connection-open", "connection-close", "meeting-ended");

	private static final int WRITERS = 8;

	private static final int ROUNDS = 5;

	/**
	 * Each round: a participant joins, a sender chats twice (within the burst), the
	 * participant leaves.
	 */
	private static final int EVENTS_PER_ROUND = 4;

	private static final Duration SHORTLY = Duration.ofSeconds(15);

	private static BridgeInstance second;

	private static BridgeInstance third;

	@BeforeAll
	static void startTwoMoreInstances() {
		second = BridgeInstance.start(RATE_PROPERTY, BURST_PROPERTY);
		third = BridgeInstance.start(RATE_PROPERTY, BURST_PROPERTY);
	}

	@AfterAll
	static void stopThem() {
		for (BridgeInstance instance : new BridgeInstance[] { second, third }) {
			if (instance != null) {
				instance.close();
			}
		}
	}

	@Test
	void everySubscriberOnEveryInstanceReceivesEveryEventOnceAndInSequenceOrder() throws Exception {
		String meeting = fixtures.activeMeetingWith();
		String senders = fixtures.activeMeetingWith();
		String watcher = fixtures.participant("watcher");
		fixtures.join(senders, watcher);
		String connection = fixtures.connect(senders, meeting);
		String[][] sender = new String[WRITERS][ROUNDS];
		for (int writer = 0; writer < WRITERS; writer++) {
			for (int round = 0; round < ROUNDS; round++) {
				sender[writer][round] = fixtures.participant("sender");
				fixtures.join(senders, sender[writer][round]);
			}
		}
		List<StompTestClient> subscribers = List.of(stomp(tokens.server()), second.stomp(tokens.server()),
				third.stomp(tokens.server()), second.stomp(tokens.participant(watcher)));
		try {
			List<Map<String, StompTestClient.Received>> topics = subscribers.stream()
				.map((subscriber) -> subscriber.subscribeAll(meeting))
				.toList();
			long base = MeetingHistory.of(api, meeting).latestSequence();
			List<Function<String, Api>> instances = List.of(api::as, second::api, third::api);

			List<String> failures = Collections.synchronizedList(new ArrayList<>());
			CyclicBarrier start = new CyclicBarrier(WRITERS);
			ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int w = 0; w < WRITERS; w++) {
					int writer = w;
					done.add(pool.submit(() -> {
						start.await(30, TimeUnit.SECONDS);
						int action = writer;
						for (int round = 0; round < ROUNDS; round++) {
							String participant = "writer-" + writer + "-" + round + "-" + sender[writer][round];
							String from = sender[writer][round];
							String chat = "/api/meetings/" + senders + "/connections/" + connection + "/chat-messages";
							expect(failures, 201,
									instances.get(action++ % 3)
										.apply(tokens.participant(participant))
										.post("/api/meetings/" + meeting + "/participants",
												Map.of("displayName", participant)));
							expect(failures, 201,
									instances.get(action++ % 3)
										.apply(tokens.participant(from))
										.post(chat, Map.of("message", "one from " + from)));
							expect(failures, 201,
									instances.get(action++ % 3)
										.apply(tokens.server())
										.post(chat, Map.of("message", "two from " + from, "senderId", from)));
							expect(failures, 204,
									instances.get(action++ % 3)
										.apply(tokens.participant(participant))
										.delete("/api/meetings/" + meeting + "/participants/" + participant));
						}
						return null;
					}));
				}
				for (Future<?> writer : done) {
					writer.get(120, TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(failures).isEmpty();

			int expected = WRITERS * ROUNDS * EVENTS_PER_ROUND;
			MeetingHistory history = MeetingHistory.of(api, meeting);
			assertThat(history.latestSequence()).isEqualTo(base + expected);
			List<JsonNode> written = history.events().subList((int) base, (int) base + expected);
			List<Long> sequences = LongStream.rangeClosed(base + 1, base + expected).boxed().toList();
			for (StompTestClient subscriber : subscribers) {
				await().atMost(SHORTLY).until(() -> subscriber.arrivals().size() >= expected);
			}
			for (int i = 0; i < subscribers.size(); i++) {
				List<JsonNode> arrivals = List.copyOf(subscribers.get(i).arrivals());
				assertThat(arrivals).as("subscriber %d: every event once, in sequence order", i)
					.extracting((event) -> event.path("sequence").asLong())
					.containsExactlyElementsOf(sequences);
				assertThat(arrivals).as("subscriber %d: the events of the history", i).isEqualTo(written);
				topics.get(i).forEach((type, received) -> {
					assertThat(received.messages()).as("%s", received.destination())
						.allSatisfy((event) -> assertThat(event.path("type").asString()).isEqualTo(type))
						.extracting((event) -> event.path("sequence").asLong())
						.isSorted()
						.doesNotHaveDuplicates();
				});
				assertThat(topics.get(i).get("participant-joined").size()).isEqualTo(WRITERS * ROUNDS);
				assertThat(topics.get(i).get("participant-left").size()).isEqualTo(WRITERS * ROUNDS);
				assertThat(topics.get(i).get("chat-message").size()).isEqualTo(2 * WRITERS * ROUNDS);
			}
		}
		finally {
			subscribers.forEach(StompTestClient::close);
		}
	}

	@Test
	void concurrentJoinsOfOneParticipantThroughSeveralInstancesAddItOnce() throws Exception {
		String meeting = fixtures.activeMeetingWith();
		String grace = fixtures.participant("grace");

		List<Api.Response> responses = changedOnce(meeting, 201, 200,
				(caller) -> serverApi(caller).post("/api/meetings/" + meeting + "/participants",
						Map.of("participantId", grace, "displayName", "Grace")));

		assertThat(responses)
			.allSatisfy((response) -> assertThat(response.json().path("id").asString()).isEqualTo(grace));
		assertThat(MeetingHistory.of(api, meeting).joined(grace)).hasSize(1);
	}

	@Test
	void concurrentLeavesOfOneParticipantThroughSeveralInstancesRemoveItOnce() throws Exception {
		String heidi = fixtures.participant("heidi");
		String meeting = fixtures.activeMeetingWith(heidi);

		List<Api.Response> responses = changedOnce(meeting, 204, 404,
				(caller) -> serverApi(caller).delete("/api/meetings/" + meeting + "/participants/" + heidi));

		assertThat(responses).filteredOn((response) -> response.status() == 404)
			.allSatisfy((response) -> assertThat(response.code()).isEqualTo("participant-not-found"));
		assertThat(MeetingHistory.of(api, meeting).left(heidi)).hasSize(1);
	}

	@Test
	void concurrentConnectsOfOnePairThroughSeveralInstancesOpenOneConnection() throws Exception {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		long beforeOnB = MeetingHistory.of(api, b).latestSequence();

		List<Api.Response> responses = changedOnce(a, 201, 200, (caller) -> {
			String from = (caller % 2 == 0) ? a : b;
			return serverApi(caller).post(connections(from), Map.of("meetingId", (caller % 2 == 0) ? b : a));
		});

		String id = responses.get(0).json().path("id").asString();
		assertThat(responses).allSatisfy((response) -> assertThat(response.json().path("id").asString()).isEqualTo(id));
		assertThat(MeetingHistory.of(api, a).ofType("connection-open")).hasSize(1);
		assertThat(MeetingHistory.of(api, b).ofType("connection-open")).hasSize(1);
		assertThat(MeetingHistory.of(api, b).latestSequence()).isEqualTo(beforeOnB + 1);
	}

	@Test
	void theChatRateLimitIsOneBudgetAcrossInstances() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String connection = fixtures.connect(a, b);
		String chat = "/api/meetings/" + a + "/connections/" + connection + "/chat-messages";
		// The burst is 3 and one token comes back per second: a fourth chat within the
		// second of the first is refused. A machine too busy to send four requests within
		// a second gets another go.
		for (int attempt = 0; attempt < 3; attempt++) {
			String ivan = fixtures.participant("ivan");
			fixtures.join(a, ivan);
			List<Api> alternating = List.of(api.as(tokens.participant(ivan)), second.api(tokens.participant(ivan)));
			long started = System.nanoTime();
			List<Api.Response> responses = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				responses.add(alternating.get(i % 2).post(chat, Map.of("message", "chat " + i)));
			}
			if (System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(1)) {
				continue;
			}
			assertThat(responses.subList(0, 3)).extracting(Api.Response::status).containsOnly(201);
			Api.Response refused = responses.get(3);
			assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
			assertThat(refused.code()).isEqualTo("rate-limited");
			assertThat(refused.header("Retry-After")).isNotNull();
			assertThat(Long.parseLong(refused.header("Retry-After"))).isGreaterThanOrEqualTo(1);
			assertThat(MeetingHistory.of(api, b).ofType("chat-message"))
				.filteredOn((event) -> ivan.equals(event.path("message").path("sender").path("id").asString()))
				.hasSize(3);
			return;
		}
		fail("Could not send four chats within one second in three attempts");
	}

	@Test
	void aRepeatedChatSpendsNoTokenOfTheBudget() {
		String a = fixtures.activeMeetingWith();
		String b = fixtures.activeMeetingWith();
		String connection = fixtures.connect(a, b);
		String chat = "/api/meetings/" + a + "/connections/" + connection + "/chat-messages";
		// Burst 3, one token back per second: within a second, a keyed chat and three
		// repeats of it on either instance spend one token, so two more chats go and the
		// next is refused.
		for (int attempt = 0; attempt < 3; attempt++) {
			String ivan = fixtures.participant("ivan");
			fixtures.join(a, ivan);
			String key = UUID.randomUUID().toString();
			List<Api> keyed = List.of(api.as(tokens.participant(ivan)).with("Idempotency-Key", key),
					second.api(tokens.participant(ivan)).with("Idempotency-Key", key));
			Api plain = api.as(tokens.participant(ivan));
			long started = System.nanoTime();
			List<Api.Response> repeats = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				repeats.add(keyed.get(i % 2).post(chat, Map.of("message", "once")));
			}
			List<Api.Response> fresh = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				fresh.add(plain.post(chat, Map.of("message", "fresh " + i)));
			}
			if (System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(1)) {
				continue;
			}
			assertThat(repeats).extracting(Api.Response::status).containsOnly(201);
			assertThat(repeats).extracting(Api.Response::text).containsOnly(repeats.get(0).text());
			assertThat(fresh.subList(0, 2)).extracting(Api.Response::status).containsOnly(201);
			assertThat(fresh.get(2).code()).as(fresh.get(2).toString()).isEqualTo("rate-limited");
			assertThat(MeetingHistory.of(api, b).ofType("chat-message"))
				.filteredOn((event) -> ivan.equals(event.path("message").path("sender").path("id").asString()))
				.hasSize(3);
			return;
		}
		fail("Could not send seven chats within one second in three attempts");
	}

	@Test
	void aStompChatBeyondTheSharedBudgetIsAnsweredRateLimitedOnTheErrorQueue() {
		String judy = fixtures.participant("judy");
		String a = fixtures.activeMeetingWith(judy);
		String b = fixtures.activeMeetingWith();
		String connection = fixtures.connect(a, b);
		try (StompTestClient session = third.stomp(tokens.participant(judy))) {
			var errors = session.subscribe("/user/queue/errors");
			// Part of the budget goes through another instance over REST, the rest over
			// STOMP here.
			var sent = api.as(tokens.participant(judy))
				.post("/api/meetings/" + a + "/connections/" + connection + "/chat-messages",
						Map.of("message", "rest"));
			assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
			for (int i = 0; i < 8; i++) {
				session.send("/app/meetings/" + a + "/connections/" + connection + "/chat-messages",
						Map.of("message", "stomp " + i));
			}

			await().atMost(SHORTLY).until(() -> !errors.messages().isEmpty());
			JsonNode error = errors.messages().get(0);
			assertThat(error.path("code").asString()).isEqualTo("rate-limited");
			assertThat(error.path("status").asInt()).isEqualTo(429);
			assertThat(error.path("retryAfter").asLong()).isGreaterThanOrEqualTo(1);
			assertThat(session.connected()).isTrue();
			await("every chat accepted or refused").atMost(SHORTLY)
				.until(() -> MeetingHistory.of(api, b).ofType("chat-message").size() + errors.size() == 9);
			assertThat(errors.messages())
				.allSatisfy((refusal) -> assertThat(refusal.path("code").asString()).isEqualTo("rate-limited"));
		}
	}

	private Api serverApi(int caller) {
		return switch (caller % 3) {
			case 0 -> api;
			case 1 -> second.api(tokens.server());
			default -> third.api(tokens.server());
		};
	}

	/**
	 * Runs the calls at once through the instances and returns their responses: exactly
	 * one made the change ({@code changed}), which recorded one event on the meeting, and
	 * the others were answered {@code unchanged}.
	 */
	private List<Api.Response> changedOnce(String meeting, int changed, int unchanged,
			Function<Integer, Api.Response> call) throws Exception {
		long before = MeetingHistory.of(api, meeting).latestSequence();
		List<Api.Response> responses = concurrently(6, call);
		assertThat(responses).extracting(Api.Response::status)
			.containsOnly(changed, unchanged)
			.filteredOn((status) -> status == changed)
			.hasSize(1);
		assertThat(MeetingHistory.of(api, meeting).latestSequence()).isEqualTo(before + 1);
		return responses;
	}

	/**
	 * Runs the calls at once (as nearly as threads allow) and returns their responses.
	 */
	private static List<Api.Response> concurrently(int callers, Function<Integer, Api.Response> call) throws Exception {
		CyclicBarrier start = new CyclicBarrier(callers);
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Api.Response>> futures = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				int caller = i;
				futures.add(pool.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					return call.apply(caller);
				}));
			}
			List<Api.Response> responses = new ArrayList<>();
			for (Future<Api.Response> future : futures) {
				responses.add(future.get(60, TimeUnit.SECONDS));
			}
			return responses;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static void expect(List<String> failures, int status, Api.Response response) {
		if (response.status() != status) {
			failures.add("expected " + status + ", got " + response);
		}
	}

}
