package dev.meetingbridge.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.meetingbridge.support.Problems.assertProblem;
import static dev.meetingbridge.support.Problems.assertValidationFailed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refusals of what the routes do not take (docs/api.md 'REST API'): unknown paths and
 * methods, bodies that are not JSON, unreadable or too large, invalid ids, paths and
 * headers the firewall refuses; each a problem detail with its code, its connection kept.
 */
class ErrorResponsesTests extends IntegrationTest {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final int LIMIT = 64 * 1024;

	/**
	 * An unknown path, under {@code /api} or not, with or without a body, is a 404 in the
	 * API's own words: nothing about the handler that found nothing.
	 */
	@Test
	void unknownPathsAreNotFound() {
		String meeting = fixtures.activeMeetingWith();
		String connections = "/api/meetings/" + meeting + "/connections/";
		List<Api.Response> refused = List.of(api.get("/api/nothing-here"),
				api.get("/api/meetings/" + meeting + "/nothing"), api.get("/api"),
				api.post(connections + "c1/switch", Map.of("meetingId", meeting)),
				api.post(connections + "c1/participants/p1/switch/now", Map.of("meetingId", meeting)),
				api.as(null).get("/nothing-here"));
		for (Api.Response response : refused) {
			assertProblem(response, 404, "not-found");
			assertThat(response.json().path("title").asString()).isEqualTo("Not found");
			assertThat(response.json().path("detail").asString()).isEqualTo("Nothing is served at this path");
			assertThat(response.text()).doesNotContainIgnoringCase("static").doesNotContainIgnoringCase("resource");
		}
		assertThat(refused.get(3).json().path("instance").asString()).isEqualTo(connections + "c1/switch");
	}

	@Test
	void unsupportedMethodsAreNotAllowed() {
		String meeting = fixtures.activeMeetingWith();
		Api.Response put = api.send("PUT", "/api/meetings", "{}", "application/json");
		assertProblem(put, 405, "method-not-allowed");
		assertThat(put.json().path("title").asString()).isEqualTo("Method not allowed");
		assertThat(put.json().path("detail").asString()).isEqualTo("Method PUT is not allowed at this path");
		assertThat(put.header("Allow")).contains("GET").contains("POST");
		assertProblem(api.delete("/api/meetings/" + meeting), 405, "method-not-allowed");
		assertProblem(api.send("PATCH", "/api/meetings/" + meeting, "{}", "application/json"), 405,
				"method-not-allowed");
		assertProblem(api.get("/api/meetings/" + meeting + "/end"), 405, "method-not-allowed");
		assertThat(api.get("/api/meetings/" + meeting).json().path("status").asString()).isEqualTo("active");
	}

	@Test
	void bodiesThatAreNotJsonAreUnsupportedMediaTypes() {
		String meeting = fixtures.activeMeetingWith();
		String join = "{\"participantId\":\"alice\",\"displayName\":\"Alice\"}";
		for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
				"not a media type")) {
			assertProblem(api.postRaw("/api/meetings/" + meeting + "/participants", join, type), 415,
					"unsupported-media-type");
		}
		assertProblem(api.postRaw("/api/meetings", "{\"meetingId\":\"x\"}", "text/plain"), 415,
				"unsupported-media-type");
		assertThat(participants(meeting).size()).isZero();
	}

	@Test
	void unreadableJsonIsMalformed() {
		String meeting = fixtures.activeMeetingWith();
		for (String body : List.of("{\"displayName\":", "{\"displayName\":\"x\",}", "not json", "[]", "\"Alice\"",
				"null", "{\"displayName\":{\"first\":\"A\"}}", "{\"displayName\":\"x\"} trailing")) {
			assertProblem(
					api.as(tokens.participant(fixtures.participant("alice")))
						.postRaw("/api/meetings/" + meeting + "/participants", body, "application/json"),
					400, "malformed-json");
		}
		assertProblem(api.postRaw("/api/meetings", "{\"meetingId\":", "application/json"), 400, "malformed-json");
		assertThat(participants(meeting).size()).isZero();
	}

	@Test
	void bodiesOverSixtyFourKibibytesAreTooLarge() {
		String meeting = fixtures.activeMeetingWith();
		String joinPath = "/api/meetings/" + meeting + "/participants";
		String largeJoin = "{\"participantId\":\"alice\",\"displayName\":\"" + "x".repeat(LIMIT) + "\"}";
		assertProblem(api.postRaw(joinPath, largeJoin, "application/json"), 413, "payload-too-large");
		assertProblem(api.postRaw(joinPath, "x".repeat(LIMIT + 1), "text/plain"), 413, "payload-too-large");
		String neverCreated = unique("large");
		assertProblem(api.postRaw("/api/meetings", padded(neverCreated, LIMIT + 1), "application/json"), 413,
				"payload-too-large");
		Api.Response chunked = send("POST", joinPath, chunked(largeJoin),
				Map.of("Authorization", "Bearer " + tokens.server(), "Content-Type", "application/json"));
		assertProblem(chunked, 413, "payload-too-large");
		assertThat(participants(meeting).size()).isZero();
		assertProblem(api.get("/api/meetings/" + neverCreated), 404, "meeting-not-found");
		String atTheLimit = unique("limit");
		Api.Response created = api.postRaw("/api/meetings", padded(atTheLimit, LIMIT), "application/json");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
	}

	/**
	 * Refusals keep their connection too, and the requests that follow them in quick
	 * succession, refused with their body unread or not, are all answered
	 * ({@link KeepAliveTests} sends ten thousand on one connection).
	 */
	@Test
	void refusalsInQuickSuccessionAreAllAnsweredAndKeepTheirConnection() {
		String meeting = fixtures.activeMeetingWith();
		for (int i = 0; i < 100; i++) {
			assertKeptAlive(api.send("PUT", "/api/meetings", "{}", "application/json"), 405, "method-not-allowed");
			assertKeptAlive(api.postRaw("/api/meetings", "{\"meetingId\":\"x\"}", "text/plain"), 415,
					"unsupported-media-type");
			assertKeptAlive(api.get("/api/nothing-here"), 404, "not-found");
			// Refused on its declared length, its body unread.
			assertKeptAlive(api.postRaw("/api/meetings", "x".repeat(LIMIT + 1), "text/plain"), 413,
					"payload-too-large");
			Api.Response read = api.get("/api/meetings/" + meeting);
			assertThat(read.status()).isEqualTo(200);
			assertThat(read.header("Connection")).isNull();
		}
	}

	private static void assertKeptAlive(Api.Response response, int status, String code) {
		assertProblem(response, status, code);
		assertThat(response.header("Connection")).isNull();
	}

	@Test
	void requestsRefusedBeforeSpringMvcAreProblemsToo() {
		assertProblem(api.send("TRACE", "/api/meetings", null, null), 405, "method-not-allowed");
		assertProblem(api.get("/error"), 404, "not-found");
	}

	@Test
	void invalidIdsInThePathAreValidationFailures() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("alice"));
		for (String id : List.of("-leading-hyphen", "_leading-underscore", "x".repeat(65), "a%20b", "a.b", "%E2%82%AC",
				"caf%C3%A9")) {
			assertValidationFailed(api.get("/api/meetings/" + id), "meetingId");
			assertValidationFailed(api.post("/api/meetings/" + id + "/participants", Map.of("displayName", "A")),
					"meetingId");
		}
		assertValidationFailed(api.delete("/api/meetings/" + meeting + "/participants/-bad"), "participantId");
		assertValidationFailed(api.get("/api/meetings/" + meeting + "/connections/a.b"), "connectionId");
		assertValidationFailed(api.post("/api/meetings", Map.of("meetingId", "-bad")), "meetingId");
		assertValidationFailed(api.post("/api/meetings", Map.of("meetingId", "")), "meetingId");
	}

	@Test
	void pathsTheFirewallRefusesAreBadRequestProblems() {
		for (String path : List.of("/api/meetings/a;b", "/api/meetings/a%25b", "/api/meetings//x",
				"/api/meetings/x/../y", "/api/meetings/a%0Ab", "/api/meetings/a%3Bb")) {
			assertProblem(api.get(path), 400, "bad-request");
		}
	}

	/**
	 * A create request for the meeting, padded with an unknown property to exactly
	 * {@code size} bytes.
	 */
	private static String padded(String meetingId, int size) {
		String start = "{\"meetingId\":\"" + meetingId + "\",\"padding\":\"";
		return start + "x".repeat(size - start.length() - 2) + "\"}";
	}

	/** A body sent without a Content-Length, in chunks. */
	private static BodyPublisher chunked(String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
	}

	/** A request with exactly the given headers, for what {@link Api} does not send. */
	private Api.Response send(String method, String path, BodyPublisher body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
			.timeout(Duration.ofSeconds(20))
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
		headers.forEach(request::header);
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Api.Response(response.statusCode(), response.body(), response.headers().map());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private JsonNode participants(String meetingId) {
		return api.get("/api/meetings/" + meetingId + "/participants").json().path("participants");
	}

}
