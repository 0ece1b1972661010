package dev.meetingbridge.web;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Keeps a plain HTTP connection alive only after a successful answer of the REST API
 * ({@code /api/**}); every other answer (any refusal, the actuator, the API documents,
 * the console) carries {@code Connection: close}. With Reactor Netty 1.3.6 (the version
 * Spring Boot 4.0.7 brings) the next request on a kept-alive connection could go
 * unanswered until the client gave up after some answers: seen here after a 413 refused
 * before its body was read (7 of 300 sequences) and after {@code /actuator/health}
 * answers (4 to 17 of 1,500), never after {@code /api} answers (thousands in a row, and
 * the benchmark's millions). The REST API is what clients call in quick succession, so it
 * keeps the connection; the rest is rare enough that a TCP handshake each does not
 * matter. WebSocket upgrades are left alone: their connection becomes the STOMP session.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConnectionCloseFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!"websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade())) {
			ServerHttpResponse response = exchange.getResponse();
			boolean api = exchange.getRequest().getPath().value().startsWith("/api/");
			response.beforeCommit(() -> {
				HttpStatusCode status = response.getStatusCode();
				if (!api || (status != null && status.isError())) {
					response.getHeaders().set(HttpHeaders.CONNECTION, "close");
				}
				return Mono.empty();
			});
		}
		return chain.filter(exchange);
	}

}
