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
 * Answers every refused plain HTTP request (status 4xx or 5xx) with
 * {@code Connection: close}, so that the connection of a refusal carries no further
 * request; successful answers keep their connection alive. With Reactor Netty 1.3.6 (the
 * version Spring Boot 4.0.7 brings) a keep-alive connection whose request was refused
 * before its body was read (413 for a declared length over the limit) can stop being
 * read: the next request on it then gets no answer until the client gives up (seen here
 * in about 2 % of such sequences; successful requests were never affected in thousands).
 * A refusal is rare, so the TCP handshake a fresh connection costs does not matter.
 * WebSocket upgrades are left alone: their connection becomes the STOMP session.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConnectionCloseFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!"websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade())) {
			ServerHttpResponse response = exchange.getResponse();
			response.beforeCommit(() -> {
				HttpStatusCode status = response.getStatusCode();
				if (status != null && status.isError()) {
					response.getHeaders().set(HttpHeaders.CONNECTION, "close");
				}
				return Mono.empty();
			});
		}
		return chain.filter(exchange);
	}

}
