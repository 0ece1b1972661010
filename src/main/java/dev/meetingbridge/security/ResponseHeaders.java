package dev.meetingbridge.security;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.web.server.ServerWebExchange;

/**
 * The protective response headers Spring Security writes by default (no caching,
 * {@code nosniff}, no framing, no referrer, the XSS auditor off, and HSTS on HTTPS), by
 * one writer that looks each header up directly: Spring Security's six default writers
 * each build a case-insensitive copy of every response header name to see whether their
 * own is there, on every answer. The defaults' rules are kept: the three caching headers
 * go together, only when the answer set none of them and is not a 304; every other header
 * only when the answer did not set it.
 */
public final class ResponseHeaders implements ServerHttpHeadersWriter {

	private static final String[][] CACHING = {
			{ HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate" },
			{ HttpHeaders.PRAGMA, "no-cache" }, { HttpHeaders.EXPIRES, "0" } };

	private static final String[][] EACH = { { "X-Content-Type-Options", "nosniff" }, { "X-Frame-Options", "DENY" },
			{ "X-XSS-Protection", "0" }, { "Referrer-Policy", "no-referrer" } };

	private static final String HSTS = "Strict-Transport-Security";

	private static final String HSTS_VALUE = "max-age=31536000 ; includeSubDomains";

	@Override
	public Mono<Void> writeHttpHeaders(ServerWebExchange exchange) {
		ServerHttpResponse response = exchange.getResponse();
		write(response.getHeaders(), response.getStatusCode(), exchange.getRequest());
		return Mono.empty();
	}

	/**
	 * Adds the headers to an answer about to be sent with the status, to the request (the
	 * REST API's own edge, which Spring Security's filters do not see).
	 */
	public static void write(HttpHeaders headers, @Nullable HttpStatusCode status, ServerHttpRequest request) {
		if (status != HttpStatus.NOT_MODIFIED && noneSet(headers, CACHING)) {
			for (String[] header : CACHING) {
				headers.set(header[0], header[1]);
			}
		}
		for (String[] header : EACH) {
			setUnlessSet(headers, header[0], header[1]);
		}
		if (request.getSslInfo() != null || "https".equalsIgnoreCase(request.getURI().getScheme())) {
			setUnlessSet(headers, HSTS, HSTS_VALUE);
		}
	}

	private static boolean noneSet(HttpHeaders headers, String[][] group) {
		for (String[] header : group) {
			if (headers.containsHeader(header[0])) {
				return false;
			}
		}
		return true;
	}

	private static void setUnlessSet(HttpHeaders headers, String name, String value) {
		if (!headers.containsHeader(name)) {
			headers.set(name, value);
		}
	}

}
