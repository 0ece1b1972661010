package dev.meetingbridge.web;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Answers every plain HTTP request with {@code Connection: close}, so that no connection
 * carries a second request. Reactor Netty 1.3.6 (the version Spring Boot 4.0.7 brings)
 * can stop reading a keep-alive connection when the next request arrives before the
 * previous exchange has fully ended: that request then gets no answer until the client
 * gives up (seen here about once in a few hundred REST calls; {@code ErrorResponsesTests}
 * repeats such sequences). A new connection per request costs a TCP handshake and is
 * always answered. WebSocket upgrades are left alone: their connection becomes the STOMP
 * session. Remove this once Reactor Netty's keep-alive handling is fixed in the version
 * Spring Boot manages.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConnectionCloseFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!"websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade())) {
			exchange.getResponse().beforeCommit(() -> {
				exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
				return Mono.empty();
			});
		}
		return chain.filter(exchange);
	}

}
