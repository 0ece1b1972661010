package dev.meetingbridge.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RedisCommands;
import dev.meetingbridge.support.WebhookReceiver;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks against a real HTTP receiver: every event of a meeting arrives in sequence
 * order, signed so that our verifier and the convention's reference implementation (npm
 * {@code standardwebhooks}) accept it; failures are retried until they succeed, a refusal
 * drops one event, and events that fell out of the history are told as
 * {@code events-skipped} (docs/webhooks.md).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "bridge.history.max-events=20", "bridge.webhooks.timeout=1s",
				"bridge.webhooks.backoff-min=100ms", "bridge.webhooks.backoff-max=1s", "bridge.webhooks.lease-ttl=3s" })
class WebhookDeliveryTests extends IntegrationTest {

	static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);

	private static final Duration ARRIVES = Duration.ofSeconds(30);

	private static final WebhookReceiver receiver = WebhookReceiver.start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private MeetingScripts scripts;

	@DynamicPropertySource
	static void webhooks(DynamicPropertyRegistry registry) {
		registry.add("bridge.webhooks.endpoints[0].url", () -> receiver.urlWithCredentials("bridge", "p%40ss"));
		registry.add("bridge.webhooks.endpoints[0].secret", () -> SECRET);
	}

	@AfterAll
	static void stopReceiver() {
		receiver.close();
	}

	@Test
	void everyEventOfAChurningMeetingArrivesInSequenceOrderSignedWhilePubSubLinksDrop() throws Exception {
		String meetingId = this.fixtures.activeMeetingWith();
		List<CompletableFuture<Void>> churn = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String participant = this.fixtures.participant("churner");
			churn.add(CompletableFuture.runAsync(() -> {
				this.fixtures.join(meetingId, participant);
				this.api.delete("/api/meetings/" + meetingId + "/participants/" + participant);
				this.fixtures.join(meetingId, participant);
			}));
			// Webhooks read the history, never pub/sub: links dropped meanwhile change
			// nothing.
			RedisCommands.dropPubSubConnections();
		}
		churn.forEach(CompletableFuture::join);
		assertThat(this.api.post("/api/meetings/" + meetingId + "/end").status()).isEqualTo(200);
		long latest = latestSequence(meetingId);
		await().atMost(ARRIVES).until(() -> receiver.accepted(meetingId).size() >= latest);
		List<WebhookReceiver.Delivery> accepted = receiver.accepted(meetingId);
		assertThat(accepted).hasSize((int) latest);
		List<JsonNode> history = events(meetingId);
		for (int i = 0; i < accepted.size(); i++) {
			WebhookReceiver.Delivery delivery = accepted.get(i);
			JsonNode event = history.get(i);
			long sequence = i + 1;
			assertThat(delivery.id()).isEqualTo(meetingId + ":" + event.path("epoch").asString() + ":" + sequence);
			assertThat(delivery.json().path("type").asString()).isEqualTo(event.path("type").asString());
			assertThat(delivery.json().path("timestamp").asString()).isEqualTo(event.path("timestamp").asString());
			assertThat(delivery.json().path("data")).isEqualTo(event);
			assertThat(WebhookSigner.verify(KEY, delivery.id(), Long.parseLong(delivery.timestamp()), delivery.body(),
					delivery.signature()))
				.as(delivery.id())
				.isTrue();
			assertThat(Math.abs(Long.parseLong(delivery.timestamp()) - System.currentTimeMillis() / 1000))
				.isLessThan(60);
			// The URL's credentials go as basic authentication.
			assertThat(delivery.authorization())
				.isEqualTo("Basic " + Base64.getEncoder().encodeToString("bridge:p@ss".getBytes()));
		}
		assertThat(accepted.getLast().type()).isEqualTo("meeting-ended");
		assertThat(verifiedByStandardWebhooks(accepted)).isEqualTo(accepted.size());
	}

	@Test
	void aReceiverDownThenFailingThenWellGetsEverythingInOrderEachIdAcceptedOnce(CapturedOutput output) {
		int logged = output.getOut().length();
		String meetingId = unique("meeting");
		AtomicInteger status = new AtomicInteger(200);
		receiver.answer(meetingId, (id) -> status.get());
		double refused = attempts("connection-error");
		receiver.down();
		try {
			this.api.post("/api/meetings", Map.of("meetingId", meetingId));
			for (int i = 0; i < 3; i++) {
				this.fixtures.join(meetingId, this.fixtures.participant("p"));
			}
			await().atMost(ARRIVES).until(() -> attempts("connection-error") >= refused + 2);
		}
		finally {
			status.set(500);
			receiver.up();
		}
		await().atMost(ARRIVES).until(() -> receiver.deliveries(meetingId).size() >= 2);
		this.fixtures.join(meetingId, this.fixtures.participant("p"));
		status.set(200);
		await().atMost(ARRIVES).until(() -> receiver.accepted(meetingId).size() >= 4);
		List<WebhookReceiver.Delivery> accepted = receiver.accepted(meetingId);
		assertThat(accepted).extracting(WebhookReceiver.Delivery::id)
			.containsExactly(ids(meetingId, 1, 4).toArray(String[]::new));
		assertThat(receiver.deliveries(meetingId)).extracting(WebhookReceiver.Delivery::type)
			.doesNotContain("events-skipped");
		// Event N+1 never went out before N succeeded: the attempts, failed ones
		// included,
		// go up in sequence order.
		assertThat(receiver.deliveries(meetingId)).hasSizeGreaterThan(4);
		assertThat(sequences(receiver.deliveries(meetingId))).isSorted();
		// One line when the endpoint started failing and one when it recovered, not one
		// per
		// attempt.
		String log = output.getOut().substring(logged);
		assertThat(log.split("Webhook endpoint " + receiver.url() + " is failing", -1)).hasSize(2);
		assertThat(log.split("Webhook endpoint " + receiver.url() + " recovered", -1)).hasSize(2);
	}

	@Test
	void aRefusedEventIsDroppedAndDeliveryGoesOn() {
		String meetingId = unique("meeting");
		double dropped = counter("bridge.webhooks.dropped");
		receiver.answer(meetingId, (id) -> id.endsWith(":2") ? 400 : 200);
		this.api.post("/api/meetings", Map.of("meetingId", meetingId));
		for (int i = 0; i < 4; i++) {
			this.fixtures.join(meetingId, this.fixtures.participant("p"));
		}
		await().atMost(ARRIVES).until(() -> receiver.accepted(meetingId).size() >= 3);
		assertThat(receiver.deliveries(meetingId)).extracting(WebhookReceiver.Delivery::id)
			.containsExactly(ids(meetingId, 1, 4).toArray(String[]::new));
		assertThat(receiver.accepted(meetingId)).extracting(WebhookReceiver.Delivery::id)
			.containsExactly(id(meetingId, 1), id(meetingId, 3), id(meetingId, 4));
		assertThat(counter("bridge.webhooks.dropped")).isEqualTo(dropped + 1);
	}

	@Test
	void eventsThatFellOutOfTheHistoryBeforeDeliveryAreToldAsSkipped() {
		String meetingId = unique("meeting");
		AtomicInteger status = new AtomicInteger(503);
		receiver.answer(meetingId, (id) -> status.get());
		this.api.post("/api/meetings", Map.of("meetingId", meetingId));
		String participant = this.fixtures.participant("p");
		this.fixtures.join(meetingId, participant);
		await().atMost(ARRIVES).until(() -> !receiver.deliveries(meetingId).isEmpty());
		// 30 events in all; the history keeps the last 20.
		for (int i = 0; i < 29; i++) {
			if (i % 2 == 0) {
				this.api.delete("/api/meetings/" + meetingId + "/participants/" + participant);
			}
			else {
				this.fixtures.join(meetingId, participant);
			}
		}
		assertThat(this.api.get("/api/meetings/" + meetingId + "/events").json().path("latestSequence").asLong())
			.isEqualTo(30);
		status.set(200);
		await().atMost(ARRIVES)
			.until(() -> receiver.accepted(meetingId).stream().anyMatch((delivery) -> delivery.id().endsWith(":11")));
		List<WebhookReceiver.Delivery> accepted = receiver.accepted(meetingId);
		String epoch = epoch(meetingId);
		// Events 1 to 10 fell out of the history: told as skipped, in one range or, when
		// an
		// attempt raced the last events, in consecutive ones; then 11 to 30 as they were.
		long next = 1;
		int index = 0;
		while (accepted.get(index).type().equals("events-skipped")) {
			WebhookReceiver.Delivery delivery = accepted.get(index);
			JsonNode data = delivery.json().path("data");
			long to = data.path("toSequence").asLong();
			assertThat(data).isEqualTo(JSON.readTree("{\"meetingId\":\"" + meetingId + "\",\"epoch\":\"" + epoch
					+ "\",\"fromSequence\":" + next + ",\"toSequence\":" + to + "}"));
			assertThat(delivery.id()).isEqualTo(meetingId + ":" + epoch + ":" + next + "-" + to);
			assertThat(WebhookSigner.verify(KEY, delivery.id(), Long.parseLong(delivery.timestamp()), delivery.body(),
					delivery.signature()))
				.isTrue();
			next = to + 1;
			index++;
		}
		assertThat(next).isEqualTo(11);
		int told = index;
		await().atMost(ARRIVES).until(() -> receiver.accepted(meetingId).size() >= 20 + told);
		assertThat(receiver.accepted(meetingId).subList(told, 20 + told)).extracting(WebhookReceiver.Delivery::id)
			.containsExactly(ids(meetingId, 11, 30).toArray(String[]::new));
		assertThat(counter("bridge.webhooks.skipped")).isGreaterThanOrEqualTo(10);
	}

	@Test
	void afterAHistoryResetTheEndpointIsToldWhatItCanNoLongerTrust() {
		String meetingId = this.fixtures.activeMeetingWith(this.fixtures.participant("p"),
				this.fixtures.participant("q"));
		await().atMost(ARRIVES).until(() -> receiver.accepted(meetingId).size() >= 2);
		String before = epoch(meetingId);
		// What the bridge does when it notices that Redis lost acknowledged writes.
		this.scripts.run(MeetingScript.EPOCH_RESET, meetingId, "", before, "reset" + before);
		this.fixtures.join(meetingId, this.fixtures.participant("r"));
		await().atMost(ARRIVES).until(() -> receiver.accepted(meetingId).size() >= 4);
		List<WebhookReceiver.Delivery> accepted = receiver.accepted(meetingId);
		assertThat(accepted.get(2).json()).isEqualTo(JSON.readTree("{\"type\":\"events-skipped\",\"timestamp\":\""
				+ accepted.get(2).json().path("timestamp").asString() + "\",\"data\":{\"meetingId\":\"" + meetingId
				+ "\",\"epoch\":\"reset" + before + "\",\"fromSequence\":1,\"toSequence\":2}}"));
		assertThat(accepted.get(3).id()).isEqualTo(meetingId + ":reset" + before + ":3");
	}

	@Test
	void operatorsSeeEachEndpointWithoutCredentialsAndOnlyWithAServerToken() {
		Api.Response answer = this.api.get("/api/webhooks");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		JsonNode endpoint = answer.json().path("endpoints").get(0);
		assertThat(endpoint.path("url").asString()).isEqualTo(receiver.url());
		assertThat(answer.text()).doesNotContain("p%40ss").doesNotContain(SECRET);
		assertThat(endpoint.path("pendingMeetings").isNumber()).isTrue();
		assertThat(endpoint.path("oldestPendingAge").isNumber()).isTrue();
		Api.Response refused = this.api.as(this.tokens.moderator(this.fixtures.participant("mod")))
			.get("/api/webhooks");
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("forbidden");
	}

	/** The webhook-ids of the meeting's events {@code from} to {@code to}. */
	private List<String> ids(String meetingId, int from, int to) {
		String epoch = epoch(meetingId);
		return IntStream.rangeClosed(from, to)
			.mapToObj((sequence) -> meetingId + ":" + epoch + ":" + sequence)
			.toList();
	}

	private String epoch(String meetingId) {
		return this.api.get("/api/meetings/" + meetingId + "/events?limit=1")
			.json()
			.path("events")
			.get(0)
			.path("epoch")
			.asString();
	}

	private static List<Long> sequences(List<WebhookReceiver.Delivery> deliveries) {
		return deliveries.stream()
			.map((delivery) -> Long.parseLong(delivery.id().substring(delivery.id().lastIndexOf(':') + 1)))
			.toList();
	}

	private String id(String meetingId, int sequence) {
		return ids(meetingId, sequence, sequence).getFirst();
	}

	private double attempts(String outcome) {
		return this.meters.find("bridge.webhooks.attempts")
			.tag("outcome", outcome)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private double counter(String name) {
		return this.meters.find(name).counters().stream().mapToDouble((counter) -> counter.count()).sum();
	}

	/** How many of the deliveries the npm package standardwebhooks verifies. */
	static int verifiedByStandardWebhooks(List<WebhookReceiver.Delivery> deliveries)
			throws IOException, InterruptedException {
		Path e2e = Path.of("e2e").toAbsolutePath();
		if (!Files.isDirectory(e2e.resolve("node_modules/standardwebhooks"))) {
			Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(e2e.toFile())
				.redirectErrorStream(true)
				.start();
			String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(install.waitFor()).as("npm ci in e2e/: %s", output).isZero();
		}
		List<Map<String, Object>> input = deliveries.stream()
			.map((delivery) -> Map.<String, Object>of("body", delivery.body(), "headers",
					Map.of("webhook-id", delivery.id(), "webhook-timestamp", delivery.timestamp(), "webhook-signature",
							delivery.signature())))
			.toList();
		Path file = Files.createTempFile("webhooks-", ".json");
		try {
			Files.writeString(file, JSON.writeValueAsString(input));
			Process node = new ProcessBuilder("node", "webhooks/verify.mjs", file.toString(), SECRET)
				.directory(e2e.toFile())
				.redirectErrorStream(true)
				.start();
			String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			assertThat(node.waitFor()).as("node webhooks/verify.mjs: %s", output).isZero();
			return Integer.parseInt(output);
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

}
