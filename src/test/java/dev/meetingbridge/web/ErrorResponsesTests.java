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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.meetingbridge.security.Permission;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.meetingbridge.support.Problems.assertProblem;
import static dev.meetingbridge.support.Problems.assertValidationFailed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refusals of README 'Tokens and permissions', 'REST API': every one a problem detail
 * with its code, never a 5xx or a stack trace, and none of them changing anything.
 */
class ErrorResponsesTests extends IntegrationTest {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final int LIMIT = 64 * 1024;

	@Test
	void requestsWithoutAValidTokenAreUnauthenticated() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("alice"));
		Map<String, String> badTokens = Map.of("malformed", "not-a-jwt", "other secret",
				signed("another-secret-0123456789-abcdefghij-xyz", JWSAlgorithm.HS256, serverClaims().build()),
				"expired", tokens.expired(fixtures.participant("late")), "unsigned",
				new PlainJWT(serverClaims().build()).serialize(), "without exp",
				signed(SECRET, JWSAlgorithm.HS256, serverClaims().expirationTime(null).build()), "HS512",
				signed(SECRET + SECRET, JWSAlgorithm.HS512, serverClaims().build()), "invalid sub",
				signed(SECRET, JWSAlgorithm.HS256,
						new JWTClaimsSet.Builder().subject("-not an id-")
							.claim("permissions", List.of("allow_join", "allow_mod"))
							.expirationTime(Date.from(Instant.now().plusSeconds(600)))
							.build()));
		String created = unique("never");
		badTokens.forEach((name, token) -> {
			Api anonymous = api.as(token);
			assertUnauthenticated(anonymous.get("/api/meetings/" + meeting), name);
			assertUnauthenticated(anonymous.post("/api/meetings", Map.of("meetingId", created)), name);
		});
		assertUnauthenticated(api.as(null).get("/api/meetings/" + meeting), "missing");
		assertUnauthenticated(api.as(null).get("/api/nothing-here"), "missing, unknown path");
		assertUnauthenticated(send("GET", "/api/meetings/" + meeting, null, Map.of("Authorization", "Basic YTpi")),
				"basic");
		assertProblem(api.get("/api/meetings/" + created), 404, "meeting-not-found");
	}

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

	@Test
	void answersCarrySpringSecuritysProtectiveHeaders() {
		String meeting = fixtures.activeMeetingWith();
		for (Api.Response response : List.of(api.get("/api/meetings/" + meeting), api.as(null).get("/api/meetings"),
				api.get("/api/nothing-here"), api.get("/actuator/health"))) {
			assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
			assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
			assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
			assertThat(response.header("X-XSS-Protection")).isEqualTo("0");
			assertThat(response.header("Pragma")).isEqualTo("no-cache");
			assertThat(response.header("Expires")).isEqualTo("0");
			assertThat(response.header("Cache-Control")).isEqualTo("no-cache, no-store, max-age=0, must-revalidate");
			// plain HTTP here: HSTS only goes out over HTTPS
			assertThat(response.header("Strict-Transport-Security")).isNull();
		}
	}

	/**
	 * As with Spring Security's defaults, a 304 carries no caching headers (they would
	 * replace those of the copy the client revalidated); the others it does carry.
	 */
	@Test
	void aNotModifiedAnswerKeepsTheCachedCopysCachingHeaders() throws IOException, InterruptedException {
		HttpResponse<Void> notModified = HTTP
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/console/console.css"))
				.header("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT")
				.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(notModified.statusCode()).isEqualTo(304);
		assertThat(notModified.headers().firstValue("Cache-Control")).isEmpty();
		assertThat(notModified.headers().firstValue("Pragma")).isEmpty();
		assertThat(notModified.headers().firstValue("Expires")).isEmpty();
		assertThat(notModified.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
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

	@Test
	void refusedRequestsChangeNothing() {
		String alice = fixtures.participant("alice");
		String bob = fixtures.participant("bob");
		String meeting = fixtures.activeMeetingWith(alice, bob);
		JsonNode before = api.get("/api/meetings/" + meeting).json();
		long sequence = latestSequence(meeting);
		String join = "/api/meetings/" + meeting + "/participants";
		String mallory = fixtures.participant("mallory");
		assertProblem(
				api.as(tokens.participant(mallory)).post(join, Map.of("participantId", alice, "displayName", "A")), 403,
				"forbidden");
		assertProblem(api.as(tokens.withPermissions(mallory, EnumSet.of(Permission.ALLOW_JOIN), unique("room")))
			.post(join, Map.of("displayName", "M")), 403, "forbidden");
		assertProblem(api.as(tokens.withPermissions(mallory, EnumSet.noneOf(Permission.class), null))
			.post(join, Map.of("displayName", "M")), 403, "forbidden");
		assertProblem(api.as(tokens.expired(mallory)).post(join, Map.of("displayName", "M")), 401, "unauthenticated");
		assertValidationFailed(api.as(tokens.participant(mallory)).post(join, Map.of("displayName", "\u0007")),
				"displayName");
		assertProblem(api.as(tokens.participant(mallory)).postRaw(join, "{", "application/json"), 400,
				"malformed-json");
		assertProblem(api.post("/api/meetings", Map.of("meetingId", meeting)), 409, "meeting-exists");
		assertProblem(api.as(tokens.participant(alice)).post("/api/meetings/" + meeting + "/end"), 403, "forbidden");
		assertProblem(api.as(tokens.participant(alice)).delete(join + "/" + bob), 403, "forbidden");
		assertProblem(api.as(tokens.moderator(mallory)).delete(join + "/" + bob), 403, "forbidden");
		assertProblem(api.delete(join + "/" + mallory), 404, "participant-not-found");
		assertThat(api.get("/api/meetings/" + meeting).json()).isEqualTo(before);
		assertThat(latestSequence(meeting)).isEqualTo(sequence);
	}

	@Test
	void noRequestGetsAServerErrorOrAStackTrace() {
		String meeting = fixtures.activeMeetingWith(fixtures.participant("alice"));
		String events = "/api/meetings/" + meeting + "/events";
		String join = "/api/meetings/" + meeting + "/participants";
		List<Map.Entry<Api.Response, String>> expected = new ArrayList<>();
		expected.add(Map.entry(api.get(events + "?after=9223372036854775807"), "200"));
		expected.add(Map.entry(api.get(events + "?after=99999999999999999999"), "400 validation-failed"));
		expected.add(Map.entry(api.get(events + "?limit=99999999999"), "400 validation-failed"));
		expected.add(Map.entry(api.get("/api/meetings?cursor=" + cursor("NaN:abc")), "400 validation-failed"));
		expected.add(Map.entry(api.get("/api/meetings?cursor=" + cursor("1e999:x")), "400 validation-failed"));
		expected.add(Map.entry(api.get("/api/meetings?cursor=" + cursor(":")), "400 validation-failed"));
		expected.add(Map.entry(api.get("/api/meetings?limit=1&limit=2"), "400 validation-failed"));
		expected.add(Map.entry(
				send("GET", "/api/meetings/" + meeting, null,
						Map.of("Authorization", "Bearer " + tokens.server(), "Accept", "application/xml")),
				"406 not-acceptable"));
		expected.add(Map.entry(api.postRaw(join, "{\"participantId\":\"p\",\"displayName\":\"x\"}",
				"application/json; charset=klingon"), "415 unsupported-media-type"));
		expected.add(Map.entry(api.postRaw(join, "\u0000", "application/json"), "400 malformed-json"));
		expected.add(Map.entry(api.postRaw(join, "{\"participantId\":[],\"displayName\":\"x\"}", "application/json"),
				"400 malformed-json"));
		expected.add(Map.entry(api.send("GET", "/api/meetings/" + meeting, "x".repeat(LIMIT + 1), "text/plain"),
				"413 payload-too-large"));
		expected.add(Map.entry(api.post("/api/meetings/" + meeting + "/connections", Map.of("meetingId", meeting)),
				"400 self-connection"));
		// A server token names no sender: checked before the (unknown) connection.
		expected.add(Map.entry(
				api.post("/api/meetings/" + meeting + "/connections/zzz/chat-messages", Map.of("message", "hi")),
				"400 validation-failed"));
		for (Map.Entry<Api.Response, String> entry : expected) {
			Api.Response response = entry.getKey();
			String outcome = entry.getValue();
			assertThat(response.text()).as(response.toString()).doesNotContain("Exception").doesNotContain("at dev.");
			String[] statusAndCode = outcome.split(" ");
			int status = Integer.parseInt(statusAndCode[0]);
			if (status >= 400) {
				assertProblem(response, status, statusAndCode[1]);
			}
			else {
				assertThat(response.status()).as(response.toString()).isEqualTo(status);
			}
		}
		assertThat(api.get(events + "?after=9223372036854775807").json().path("events").size()).isZero();
		assertValidationFailed(api.get("/api/meetings?cursor=" + cursor("NaN:abc")), "cursor");
	}

	private static void assertUnauthenticated(Api.Response response, String token) {
		assertThat(response.status()).as(token + ": " + response).isEqualTo(401);
		assertProblem(response, 401, "unauthenticated");
		if (token.startsWith("missing") || token.equals("basic")) {
			assertThat(response.header("WWW-Authenticate")).as(token).isEqualTo("Bearer");
		}
		else {
			// RFC 6750: a token was sent and refused; the client needs a new one.
			assertThat(response.header("WWW-Authenticate")).as(token).startsWith("Bearer error=\"invalid_token\"");
		}
	}

	private static JWTClaimsSet.Builder serverClaims() {
		return new JWTClaimsSet.Builder().subject("server")
			.claim("roles", List.of("server"))
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plusSeconds(600)));
	}

	private static String signed(String secret, JWSAlgorithm algorithm, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
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

	private static String cursor(String raw) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
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
