package dev.meetingbridge.stomp;

import java.util.List;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.presence.PresenceService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;

import tools.jackson.databind.json.JsonMapper;

/**
 * STOMP at {@code /ws}. Meeting topics are served by the bridge's own fan-out
 * ({@link TopicFanout}), not a broker; the simple broker only carries each session's
 * {@code /user/queue/errors} and the heart-beats.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
class StompConfig implements WebSocketMessageBrokerConfigurer {

	static final int MESSAGE_SIZE_LIMIT = 64 * 1024;

	static final int SEND_BUFFER_LIMIT = 512 * 1024;

	static final int SEND_TIME_LIMIT_MILLIS = 10_000;

	private final StompInboundInterceptor interceptor;

	private final TopicFanout fanout;

	private final BridgeProperties properties;

	private final JsonMapper json;

	private final PresenceService presence;

	StompConfig(StompInboundInterceptor interceptor, TopicFanout fanout, PresenceService presence,
			BridgeProperties properties, JsonMapper json) {
		this.interceptor = interceptor;
		this.fanout = fanout;
		this.presence = presence;
		this.properties = properties;
		this.json = json;
	}

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		// Bearer tokens in CONNECT, never cookies, so any origin may connect.
		registry.addEndpoint("/ws").setAllowedOriginPatterns("*");
		registry.setErrorHandler(new StompErrorHandler());
		// A client's frames are handled in the order it sent them (SUBSCRIBE before the SEND that follows it).
		registry.setPreserveReceiveOrder(true);
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		long heartbeat = this.properties.stomp().heartbeat().toMillis();
		registry.enableSimpleBroker("/queue")
			.setHeartbeatValue(new long[] { heartbeat, heartbeat })
			.setTaskScheduler(heartbeatScheduler());
		registry.setApplicationDestinationPrefixes("/app");
		registry.setUserDestinationPrefix("/user");
		registry.setPreservePublishOrder(true);
	}

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		registration.interceptors(this.interceptor);
	}

	@Override
	public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
		registration.setMessageSizeLimit(MESSAGE_SIZE_LIMIT)
			.setSendBufferSizeLimit(SEND_BUFFER_LIMIT)
			.setSendTimeLimit(SEND_TIME_LIMIT_MILLIS)
			.addDecoratorFactory((handler) -> new FanoutSessionHandler(handler, this.fanout, this.presence,
					SEND_TIME_LIMIT_MILLIS, SEND_BUFFER_LIMIT));
	}

	@Override
	public boolean configureMessageConverters(List<MessageConverter> messageConverters) {
		messageConverters.add(new JacksonJsonMessageConverter(this.json));
		return false;
	}

	@Bean
	ThreadPoolTaskScheduler heartbeatScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(1);
		scheduler.setThreadNamePrefix("stomp-heartbeat-");
		scheduler.initialize();
		return scheduler;
	}

}
