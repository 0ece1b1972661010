package dev.meetingbridge.stomp;

import java.util.List;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.presence.PresenceService;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import tools.jackson.databind.json.JsonMapper;

/**
 * STOMP at {@code /ws}. Meeting topics are served by the bridge's own fan-out
 * ({@link TopicFanout}), not a broker; the simple broker only carries each session's
 * {@code /user/queue/errors} and the heart-beats.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
class StompConfig implements WebSocketMessageBrokerConfigurer, DisposableBean {

	static final int MESSAGE_SIZE_LIMIT = 64 * 1024;

	static final int SEND_BUFFER_LIMIT = 512 * 1024;

	static final int SEND_TIME_LIMIT_MILLIS = 10_000;

	/** Characters (text) or bytes (binary) of a client's message the container buffers at a time. */
	static final int RECEIVE_BUFFER_SIZE = 1024;

	static final int SOCKET_READ_BUFFER_SIZE = 2048;

	static final int SOCKET_WRITE_BUFFER_SIZE = 4096;

	private final StompInboundInterceptor interceptor;

	private final TopicFanout fanout;

	private final BridgeProperties properties;

	private final JsonMapper json;

	private final PresenceService presence;

	/**
	 * Not beans: a scheduler bean is also an {@code Executor}, and Spring Boot would then back
	 * off its own task executor and hand this one thread every STOMP channel instead.
	 */
	private final ThreadPoolTaskScheduler heartbeats = new ThreadPoolTaskScheduler();

	/**
	 * Inbound frames (CONNECT, SUBSCRIBE with its Redis reads, SEND) and outbound ones (CONNECTED,
	 * RECEIPT, the error queue, heart-beats) each get a virtual thread: they block on Redis or a
	 * socket, never on each other. Spring keeps each session's frames in order.
	 */
	private final SimpleAsyncTaskExecutor inbound = virtualThreads("stomp-in-");

	private final SimpleAsyncTaskExecutor outbound = virtualThreads("stomp-out-");

	StompConfig(StompInboundInterceptor interceptor, TopicFanout fanout, PresenceService presence,
			BridgeProperties properties, JsonMapper json) {
		this.interceptor = interceptor;
		this.fanout = fanout;
		this.presence = presence;
		this.properties = properties;
		this.json = json;
		this.heartbeats.setPoolSize(1);
		this.heartbeats.setThreadNamePrefix("stomp-heartbeat-");
		this.heartbeats.initialize();
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
			.setTaskScheduler(this.heartbeats);
		registry.setApplicationDestinationPrefixes("/app");
		registry.setUserDestinationPrefix("/user");
		registry.setPreservePublishOrder(true);
	}

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		registration.executor(this.inbound).interceptors(this.interceptor);
	}

	@Override
	public void configureClientOutboundChannel(ChannelRegistration registration) {
		registration.executor(this.outbound);
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

	private static SimpleAsyncTaskExecutor virtualThreads(String prefix) {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(prefix);
		executor.setVirtualThreads(true);
		return executor;
	}

	/**
	 * Small per-session receive buffers in the WebSocket container: every idle session keeps them.
	 * Larger client frames (a 4,096-character chat SEND) arrive in parts that Spring's STOMP
	 * decoder joins, up to {@link #MESSAGE_SIZE_LIMIT} ({@link FanoutSessionHandler} accepts partial
	 * messages).
	 */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer() {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(RECEIVE_BUFFER_SIZE);
		container.setMaxBinaryMessageBufferSize(RECEIVE_BUFFER_SIZE);
		return container;
	}

	/**
	 * Smaller socket buffers for every connection, most of which are idle WebSocket sessions
	 * (Tomcat's default is 8 KiB each way). Larger writes go to the socket without copying
	 * through the write buffer.
	 */
	@Bean
	TomcatConnectorCustomizer socketBufferSizes() {
		return (connector) -> {
			connector.setProperty("socket.appReadBufSize", Integer.toString(SOCKET_READ_BUFFER_SIZE));
			connector.setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_WRITE_BUFFER_SIZE));
		};
	}

	@Override
	public void destroy() {
		this.heartbeats.shutdown();
		this.inbound.close();
		this.outbound.close();
	}

}
