package dev.meetingbridge.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.security.Permission;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.meetingbridge.support.Problems.assertProblem;
import static dev.meetingbridge.support.Problems.assertValidationFailed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refused request changes nothing, and no request, however malformed, gets a 5xx or a
 * stack trace (docs/api.md 'REST API').
 */
class SafeRefusalsTests extends IntegrationTest {

	private static final int LIMIT = 64 * 1024;

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
		expected.add(
				Map.entry(api.with("Accept", "application/xml").get("/api/meetings/" + meeting), "406 not-acceptable"));
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

	private static String cursor(String raw) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
	}

}
