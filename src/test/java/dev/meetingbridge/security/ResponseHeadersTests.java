package dev.meetingbridge.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer carries Spring Security's protective headers (no caching, no sniffing, no
 * framing, no referrer), whether the REST API's edge, the framework or a refusal wrote
 * it; a 304 keeps the cached copy's caching headers.
 */
class ResponseHeadersTests extends IntegrationTest {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

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

}
