package dev.meetingbridge.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeoutException;

import dev.meetingbridge.config.WebhookEndpoint;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Posts to one endpoint with Reactor Netty: its own connection pool (as many connections
 * as meetings may be in flight), the time-out on connecting and on the whole answer, no
 * redirects, credentials in the URL sent as basic authentication rather than logged.
 */
final class WebhookClient implements AutoCloseable {

	/** How an attempt ended. */
	enum Outcome {

		SUCCESS("success"), TIMEOUT("timeout"), CONNECTION_ERROR("connection-error"),
		RETRYABLE_STATUS("retryable-status"), REJECTED("rejected");

		private final String tag;

		Outcome(String tag) {
			this.tag = tag;
		}

		String tag() {
			return this.tag;
		}

		boolean retried() {
			return this == TIMEOUT || this == CONNECTION_ERROR || this == RETRYABLE_STATUS;
		}

	}

	/** An attempt's outcome; the status when there was an answer, and its Retry-After. */
	record Attempt(Outcome outcome, int status, @Nullable Duration retryAfter, String error) {
	}

	private final ConnectionProvider pool;

	private final HttpClient client;

	private final URI target;

	private final Duration timeout;

	WebhookClient(WebhookEndpoint endpoint, Duration timeout, int maxInFlight) {
		this.timeout = timeout;
		this.pool = ConnectionProvider.builder("webhook-" + endpoint.id())
			.maxConnections(maxInFlight)
			.pendingAcquireTimeout(timeout)
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		URI url = endpoint.url();
		HttpClient http = HttpClient.create(this.pool)
			.followRedirect(false)
			.responseTimeout(timeout)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
		String userInfo = url.getRawUserInfo();
		if (userInfo != null) {
			String credentials = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
			String basic = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
			http = http.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, basic));
			this.target = URI.create(withoutUserInfo(url));
		}
		else {
			this.target = url;
		}
		this.client = http;
	}

	private static String withoutUserInfo(URI url) {
		try {
			return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getRawPath(), null, null)
					+ ((url.getRawQuery() != null) ? "?" + url.getRawQuery() : "");
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Posts one signed delivery and tells how it went; never errors. */
	Mono<Attempt> post(String id, long timestampSeconds, String signature, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		// Headers on the request: a client configured per request is a copy.
		return this.client.post().uri(this.target).send((request, outbound) -> {
			request.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.header("webhook-id", id)
				.header("webhook-timestamp", Long.toString(timestampSeconds))
				.header("webhook-signature", signature)
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length));
			return outbound.sendByteArray(Mono.just(bytes));
		})
			// The answer's body is read and let go, never held: only its status matters.
			.response((response,
					content) -> content.then(Mono.fromSupplier(
							() -> answer(response.status().code(), response.responseHeaders().get("Retry-After")))))
			.next()
			.timeout(this.timeout.plusMillis(500))
			.onErrorResume((ex) -> Mono.just(failure(ex)));
	}

	private static Attempt answer(int status, @Nullable String retryAfter) {
		if (status >= 200 && status < 300) {
			return new Attempt(Outcome.SUCCESS, status, null, "");
		}
		String error = "HTTP " + status;
		if (status == 408 || status == 429 || status >= 500) {
			return new Attempt(Outcome.RETRYABLE_STATUS, status, (status == 429) ? retryAfter(retryAfter) : null,
					error);
		}
		return new Attempt(Outcome.REJECTED, status, null, error);
	}

	private static @Nullable Duration retryAfter(@Nullable String header) {
		if (header == null) {
			return null;
		}
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
		}
		catch (NumberFormatException ex) {
			// An HTTP date, or nonsense: the usual back-off.
			return null;
		}
	}

	private static Attempt failure(Throwable ex) {
		if (ex instanceof TimeoutException || ex.getClass().getSimpleName().contains("Timeout")) {
			return new Attempt(Outcome.TIMEOUT, 0, null, "time-out");
		}
		String message = ex.getMessage();
		return new Attempt(Outcome.CONNECTION_ERROR, 0, null,
				"connection error: " + ((message != null) ? message : ex.getClass().getSimpleName()));
	}

	@Override
	public void close() {
		this.pool.disposeLater().block(Duration.ofSeconds(2));
	}

}
