package dev.meetingbridge.security;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.web.server.ServerWebExchange;

/**
 * The protective response headers Spring Security writes by default (no caching,
 * {@code nosniff}, no framing, no referrer, the XSS auditor off, and HSTS on HTTPS), in
 * one writer instead of six. Each default writer first builds a case-insensitive copy of
 * every response header name to see whether its own is there; on a REST answer that costs
 * more than the rest of the security chain. A header the application set itself is left
 * as it is, as with the defaults.
 */
final class ResponseHeaders implements ServerHttpHeadersWriter {

	private static final String[][] ALWAYS = {
			{ HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate" },
			{ HttpHeaders.PRAGMA, "no-cache" }, { HttpHeaders.EXPIRES, "0" }, { "X-Content-Type-Options", "nosniff" },
			{ "X-Frame-Options", "DENY" }, { "X-XSS-Protection", "0" }, { "Referrer-Policy", "no-referrer" } };

	private static final String HSTS = "Strict-Transport-Security";

	private static final String HSTS_VALUE = "max-age=31536000 ; includeSubDomains";

	@Override
	public Mono<Void> writeHttpHeaders(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		for (String[] header : ALWAYS) {
			if (!headers.containsHeader(header[0])) {
				headers.set(header[0], header[1]);
			}
		}
		if ("https".equals(exchange.getRequest().getURI().getScheme()) && !headers.containsHeader(HSTS)) {
			headers.set(HSTS, HSTS_VALUE);
		}
		return Mono.empty();
	}

}
