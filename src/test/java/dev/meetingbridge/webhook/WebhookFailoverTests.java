package dev.meetingbridge.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import dev.meetingbridge.config.WebhookEndpoints;
import dev.meetingbridge.presence.InstanceId;
import dev.meetingbridge.store.WebhookKeys;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.BridgeProcess;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.WebhookReceiver;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several instances deliver webhooks together: each meeting to an endpoint by one
 * instance at a time, in order, and when the delivering instance dies (SIGKILL) another
 * one takes its meetings over once their leases run out, missing nothing
 * (docs/webhooks.md).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { WebhookFailoverTests.LEASE, WebhookFailoverTests.TIMEOUT })
class WebhookFailoverTests extends IntegrationTest {

	// The receiver holds a request while the test kills or stops its sender: the attempt
	// must not time out (and give the lease up) meanwhile.
	static final String LEASE = "bridge.webhooks.lease-ttl=8s";

	static final String TIMEOUT = "bridge.webhooks.timeout=5s";

	private static final Duration ARRIVES = Duration.ofSeconds(60);

	private static final WebhookReceiver receiver = WebhookReceiver.start();

	private static CompletableFuture<BridgeProcess> victim;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private WebhookKeys keys;

	@Autowired
	private WebhookEndpoints endpoints;

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void webhooks(DynamicPropertyRegistry registry) {
		registry.add("bridge.webhooks.endpoints[0].url", receiver::url);
		registry.add("bridge.webhooks.endpoints[0].secret", () -> WebhookDeliveryTests.SECRET);
	}

	private static String[] properties() {
		return new String[] { LEASE, TIMEOUT, "bridge.webhooks.endpoints[0].url=" + receiver.url(),
				"bridge.webhooks.endpoints[0].secret=" + WebhookDeliveryTests.SECRET };
	}

	@BeforeAll
	static void startVictim() {
		// A JVM start is most of this class's time: it starts while the test's own
		// context does.
		victim = CompletableFuture.supplyAsync(() -> BridgeProcess.start(properties()));
	}

	@AfterAll
	static void stop() {
		receiver.close();
		if (victim != null) {
			try {
				victim.join().close();
			}
			catch (RuntimeException ex) {
				// It never started; nothing to kill.
			}
		}
	}

	@Test
	void twoInstancesShareTheMeetingsEachDeliveredInOrderByOneAtATime() {
		double deliveredHere = delivered(this.meters);
		try (BridgeInstance other = BridgeInstance.start(properties())) {
			Api otherApi = new Api("http://localhost:" + other.port(), this.tokens.server());
			List<String> meetings = new ArrayList<>();
			List<CompletableFuture<Void>> work = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				String meetingId = unique("shared");
				meetings.add(meetingId);
				// Every meeting's events are recorded by both instances, so both start
				// delivering it.
				work.add(CompletableFuture.runAsync(() -> {
					this.api.post("/api/meetings", Map.of("meetingId", meetingId));
					for (int p = 0; p < 4; p++) {
						Api recorder = (p % 2 == 0) ? this.api : otherApi;
						String participant = unique("p");
						assertThat(recorder
							.post("/api/meetings/" + meetingId + "/participants",
									Map.of("participantId", participant, "displayName", participant))
							.status()).isEqualTo(201);
					}
				}));
			}
			work.forEach(CompletableFuture::join);
			for (String meetingId : meetings) {
				await().atMost(ARRIVES).until(() -> receiver.accepted(meetingId).size() >= 4);
			}
			for (String meetingId : meetings) {
				assertThat(receiver.deliveries(meetingId)).extracting(WebhookReceiver.Delivery::id)
					.as(meetingId)
					.containsExactly(ids(meetingId, 1, 4));
			}
			// Which instance delivers a meeting is a race of their sweeps (a fresh
			// instance can
			// lose every one; the kill test below has the other take over): between them,
			// each
			// event was delivered once.
			await().atMost(ARRIVES)
				.untilAsserted(() -> assertThat(
						delivered(this.meters) - deliveredHere + delivered(other.bean(MeterRegistry.class)))
					.isEqualTo(40));
		}
	}

	@Test
	void whenTheDeliveringInstanceIsKilledMidStreamAnotherTakesOverAndNothingIsMissed() {
		BridgeProcess child = victim.join();
		Api childApi = new Api("http://localhost:" + child.port(), this.tokens.server());
		String meetingId = unique("crash");
		receiver.holdRequests();
		receiver.answer(meetingId, (id) -> id.endsWith(":2") ? -1 : 200);
		assertThat(childApi.post("/api/meetings", Map.of("meetingId", meetingId)).status()).isEqualTo(201);
		for (int p = 0; p < 3; p++) {
			String participant = unique("p");
			childApi.post("/api/meetings/" + meetingId + "/participants",
					Map.of("participantId", participant, "displayName", participant));
		}
		String second = ids(meetingId, 2, 2)[0];
		await().atMost(ARRIVES)
			.until(() -> receiver.deliveries(meetingId).stream().anyMatch((delivery) -> delivery.id().equals(second)));
		String state = this.keys.state(meetingId, this.endpoints.all().getFirst().id());
		assertThat(String.valueOf(this.redis.opsForHash().get(state, "holder"))).contains("-" + child.pid() + "-");

		child.kill();
		long killed = System.nanoTime();
		receiver.answer(meetingId, (id) -> 200);
		receiver.release();
		for (int p = 0; p < 2; p++) {
			this.fixtures.join(meetingId, unique("p"));
		}
		await().atMost(ARRIVES).until(() -> receiver.accepted(meetingId).size() >= 5);
		// Within the lease (8 s) plus a sweep (at most 2.7 s), with room for a loaded
		// machine.
		assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(30));
		// Event 2 went out twice: its answer was lost with the instance that waited for
		// it.
		assertThat(receiver.deliveries(meetingId)).extracting(WebhookReceiver.Delivery::id)
			.containsExactly(ids(meetingId, 1, 2, 2, 3, 4, 5));
		assertThat(receiver.accepted(meetingId)).extracting(WebhookReceiver.Delivery::id)
			.containsExactly(ids(meetingId, 1, 2, 3, 4, 5));
	}

	@Test
	void anInstanceThatShutsDownHandsItsDeliveriesOverAtOnce() throws Exception {
		String meetingId = unique("handover");
		BridgeInstance other = BridgeInstance.start(properties());
		String otherId = other.bean(InstanceId.class).value();
		Api otherApi = new Api("http://localhost:" + other.port(), this.tokens.server());
		receiver.holdRequests();
		receiver.answer(meetingId, (id) -> id.endsWith(":2") ? -1 : 200);
		otherApi.post("/api/meetings", Map.of("meetingId", meetingId));
		for (int p = 0; p < 3; p++) {
			String participant = unique("p");
			otherApi.post("/api/meetings/" + meetingId + "/participants",
					Map.of("participantId", participant, "displayName", participant));
		}
		String second = ids(meetingId, 2, 2)[0];
		await().atMost(ARRIVES)
			.until(() -> receiver.deliveries(meetingId).stream().anyMatch((delivery) -> delivery.id().equals(second)));
		String state = this.keys.state(meetingId, this.endpoints.all().getFirst().id());
		assertThat(this.redis.opsForHash().get(state, "holder")).isEqualTo(otherId);
		receiver.answer(meetingId, (id) -> 200);
		// The shutdown waits for the attempt under way; the receiver answers it
		// meanwhile.
		CompletableFuture<Void> closing = CompletableFuture.runAsync(other::close);
		receiver.release();
		closing.get(30, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(this.redis.opsForHash().get(state, "holder")).isNotEqualTo(otherId);
		// Event 2 was answered during the shutdown, so it is not sent again.
		await().atMost(ARRIVES).until(() -> receiver.deliveries(meetingId).size() >= 3);
		assertThat(receiver.deliveries(meetingId)).extracting(WebhookReceiver.Delivery::id)
			.containsExactly(ids(meetingId, 1, 3));
	}

	private String[] ids(String meetingId, int from, int to) {
		return ids(meetingId, IntStream.rangeClosed(from, to).toArray());
	}

	private String[] ids(String meetingId, int... sequences) {
		String epoch = this.api.get("/api/meetings/" + meetingId + "/events?limit=1")
			.json()
			.path("events")
			.get(0)
			.path("epoch")
			.asString();
		return IntStream.of(sequences)
			.mapToObj((sequence) -> meetingId + ":" + epoch + ":" + sequence)
			.toArray(String[]::new);
	}

	private static double delivered(MeterRegistry meters) {
		return meters.find("bridge.webhooks.delivered").counters().stream().mapToDouble((c) -> c.count()).sum();
	}

}
