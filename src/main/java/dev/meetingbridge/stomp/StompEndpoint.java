package dev.meetingbridge.stomp;

import java.util.Map;

import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

/**
 * STOMP over WebSocket at {@code /ws}, on the same port as REST. Bearer tokens come in
 * CONNECT, never cookies, so any origin may connect. No permessage-deflate: events are
 * small JSON documents, and compressing every frame for every session separately costs
 * far more CPU than the bandwidth it saves.
 */
@Configuration(proxyBeanMethods = false)
class StompEndpoint {

	/**
	 * The largest WebSocket message a client may send (a STOMP frame, or frames, in it).
	 */
	static final int MESSAGE_SIZE_LIMIT = 64 * 1024;

	@Bean
	HandlerMapping stompHandlerMapping(StompWebSocketHandler handler) {
		return new SimpleUrlHandlerMapping(Map.of("/ws", handler), Ordered.HIGHEST_PRECEDENCE);
	}

	@Bean
	WebSocketHandlerAdapter webSocketHandlerAdapter() {
		return new WebSocketHandlerAdapter(new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
				() -> WebsocketServerSpec.builder().maxFramePayloadLength(MESSAGE_SIZE_LIMIT).compress(false))));
	}

}
