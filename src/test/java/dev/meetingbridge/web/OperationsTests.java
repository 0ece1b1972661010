package dev.meetingbridge.web;

import java.time.Duration;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.StompTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator and an integrator reach without a token: health, info, metrics and the
 * API documents.
 */
@AutoConfigureMetrics
class OperationsTests extends IntegrationTest {

	private Api anonymous() {
		return new Api(baseUrl(), null);
	}

	@Test
	void livenessAndReadinessAreUpAndReadinessIncludesRedis() {
		Api.Response liveness = anonymous().get("/actuator/health/liveness");
		assertThat(liveness.status()).isEqualTo(200);
		assertThat(liveness.json().path("status").asString()).isEqualTo("UP");
		Api.Response readiness = anonymous().get("/actuator/health/readiness");
		assertThat(readiness.status()).isEqualTo(200);
		assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
		Api.Response health = anonymous().get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
	}

	@Test
	void repeatedHealthProbesAreAllAnsweredAndKeepTheirConnection() {
		for (int i = 0; i < 300; i++) {
			Api.Response health = anonymous().get((i % 2 == 0) ? "/actuator/health" : "/actuator/health/liveness");
			assertThat(health.status()).isEqualTo(200);
			assertThat(health.header("Connection")).isNull();
		}
	}

	@Test
	void infoCarriesTheBuild() {
		Api.Response info = anonymous().get("/actuator/info");
		assertThat(info.status()).isEqualTo(200);
		assertThat(info.json().path("build").path("artifact").asString()).isEqualTo("meeting-bridge");
	}

	@Test
	void prometheusExposesTheBridgeMetrics() {
		// A request that Spring's observation times, before those the API edge times.
		assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		try (StompTestClient client = stomp(tokens.participant(alice))) {
			StompTestClient.Received joins = client.subscribe("/topic/meetings/" + meeting + "/participant-joined");
			fixtures.join(meeting, fixtures.participant("bob"));
			await().atMost(Duration.ofSeconds(10)).until(() -> joins.size() == 1);
			String metrics = anonymous().get("/actuator/prometheus").text();
			assertThat(metrics).contains("bridge_stomp_sessions", "bridge_stomp_subscriptions",
					"bridge_events_published_total{type=\"participant-joined\"}",
					"bridge_events_delivered_total{type=\"participant-joined\"}",
					"bridge_events_delivery_latency_seconds", "bridge_redis_script_seconds_count{script=\"join\"}",
					"bridge_redis_script_errors_total", "bridge_chat_rate_limited_total",
					"bridge_presence_reaped_total", "bridge_stomp_sessions_closed_total{reason=\"slow-consumer\"}",
					"bridge_stomp_sessions_closed_total{reason=\"connect-timeout\"}",
					"bridge_stomp_sessions_closed_total{reason=\"heartbeat\"}",
					"bridge_stomp_sessions_closed_total{reason=\"resync\"}", "bridge_events_gap_repairs_total",
					"bridge_events_gap_filled_total", "bridge_events_resyncs_total");
			// Both kinds of request under http.server.requests, with the same tag keys.
			assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/actuator/health\"")
				.containsPattern(
						"http_server_requests_seconds_count\\{[^}]*uri=\"/api/meetings/\\{meetingId}/participants\"");
		}
	}

	@Test
	void theOpenApiDocumentDescribesEveryEndpointTheBearerSchemeAndTheProblems() {
		Api.Response docs = anonymous().get("/v3/api-docs");
		assertThat(docs.status()).isEqualTo(200);
		JsonNode document = docs.json();
		JsonNode paths = document.path("paths");
		for (String path : new String[] { "/api/meetings", "/api/meetings/{meetingId}", "/api/meetings/{meetingId}/end",
				"/api/meetings/{meetingId}/participants", "/api/meetings/{meetingId}/participants/{participantId}",
				"/api/meetings/{meetingId}/connections", "/api/meetings/{meetingId}/connections/{connectionId}",
				"/api/meetings/{meetingId}/connections/{connectionId}/chat-messages",
				"/api/meetings/{meetingId}/connections/{connectionId}/end", "/api/meetings/{meetingId}/events" }) {
			assertThat(paths.has(path)).as(path).isTrue();
		}
		assertThat(document.path("components").path("securitySchemes").path("bearer").path("scheme").asString())
			.isEqualTo("bearer");
		JsonNode codes = document.path("components")
			.path("schemas")
			.path("Problem")
			.path("properties")
			.path("code")
			.path("enum");
		assertThat(codes.toString()).contains("validation-failed", "malformed-json", "self-connection",
				"unauthenticated", "forbidden", "meeting-not-found", "participant-not-found", "connection-not-found",
				"meeting-exists", "meeting-ended", "connection-closed", "payload-too-large", "unsupported-media-type",
				"rate-limited", "store-unavailable");
		JsonNode connect = paths.path("/api/meetings/{meetingId}/connections").path("post").path("responses");
		assertThat(connect.has("201")).isTrue();
		assertThat(connect.path("409").path("description").asString()).contains("meeting-ended");
		assertThat(anonymous().get("/swagger-ui/index.html").status()).isEqualTo(200);
	}

	@Test
	void theAsyncApiDocumentDescribesTheStompSide() {
		Api.Response asyncApi = anonymous().get("/asyncapi.yaml");
		assertThat(asyncApi.status()).isEqualTo(200);
		assertThat(asyncApi.header("Content-Type")).startsWith("application/yaml");
		assertThat(asyncApi.text()).contains("asyncapi: 3.0.0", "/topic/meetings/{meetingId}/participant-joined",
				"/topic/meetings/{meetingId}/meeting-ended", "/app/meetings/{meetingId}/join",
				"/app/meetings/{meetingId}/connections/{connectionId}/chat-messages", "/user/queue/errors");
	}

	@Test
	void documentsAndHealthNeedNoTokenButTheApiDoes() {
		assertThat(anonymous().get("/api/meetings").status()).isEqualTo(401);
		assertThat(Map.of("health", anonymous().get("/actuator/health").status(), "docs",
				anonymous().get("/v3/api-docs").status()))
			.containsValues(200, 200);
	}

}
