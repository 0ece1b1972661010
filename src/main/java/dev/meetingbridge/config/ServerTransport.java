package dev.meetingbridge.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.stereotype.Component;

/**
 * The network transport of the HTTP and WebSocket server. Reactor Netty takes io_uring
 * when the kernel offers it, else epoll, else the JDK's NIO. On io_uring the writes of
 * one event-loop turn (an event's frames to every socket the loop serves) reach the
 * kernel in one submission, where epoll makes a system call per socket. With
 * {@code bridge.transport.io-uring=false} the server runs on epoll. The transport in use
 * is logged once bound and shown by {@code /actuator/info} ({@code server.transport}).
 */
@Component
class ServerTransport implements NettyServerCustomizer, InfoContributor {

	private static final Logger logger = LoggerFactory.getLogger(ServerTransport.class);

	private final boolean ioUring;

	private volatile @Nullable String inUse;

	ServerTransport(BridgeProperties properties) {
		this.ioUring = properties.transport().ioUring();
	}

	/**
	 * With io_uring turned off, the server's event loops (which Spring Boot takes from
	 * this factory, and starts and stops with the context) are epoll's where the kernel
	 * has it; without epoll, Reactor Netty's own choice.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "bridge.transport.io-uring", havingValue = false)
	static ReactorResourceFactory epollResources() {
		ReactorResourceFactory resources = new ReactorResourceFactory();
		resources.setUseGlobalResources(false);
		resources.setLoopResourcesSupplier(
				() -> Epoll.isAvailable() ? new EpollLoops() : LoopResources.create("reactor-http"));
		return resources;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnBound((bound) -> bound(bound.channel()));
	}

	private void bound(Channel channel) {
		String transport = transportOf(channel);
		this.inUse = transport;
		if (transport.equals("io_uring") || !this.ioUring) {
			logger.info("HTTP and WebSocket server on {} (bridge.transport.io-uring={})", transport, this.ioUring);
		}
		else {
			Throwable cause = IoUring.unavailabilityCause();
			logger.info("HTTP and WebSocket server on {}: io_uring is not available here ({})", transport,
					reason(cause));
			logger.debug("Why io_uring is not available", cause);
		}
	}

	/**
	 * Why io_uring is not available, in one line for the start-up log (the stack trace
	 * goes to DEBUG): the messages of the failure and its causes, which name what the
	 * kernel or the native library refused.
	 */
	static String reason(@Nullable Throwable cause) {
		List<String> messages = new ArrayList<>();
		for (Throwable failure = cause; failure != null && messages.size() < 4; failure = failure.getCause()) {
			String message = failure.getMessage();
			message = (message == null || message.isBlank()) ? failure.getClass().getSimpleName()
					: message.strip().replaceAll("\\s+", " ");
			if (messages.isEmpty() || !messages.getLast().contains(message)) {
				messages.add(message);
			}
		}
		return messages.isEmpty() ? "no reason given" : String.join(": ", messages);
	}

	private static String transportOf(Channel serverChannel) {
		return switch (serverChannel) {
			case IoUringServerSocketChannel uring -> "io_uring";
			case EpollServerSocketChannel epoll -> "epoll";
			case NioServerSocketChannel nio -> "nio";
			default -> serverChannel.getClass().getSimpleName();
		};
	}

	@Override
	public void contribute(Info.Builder builder) {
		String transport = this.inUse;
		if (transport != null) {
			builder.withDetail("server", Map.of("transport", transport));
		}
	}

	/** One epoll event-loop group, as large as Reactor Netty's own, for the server. */
	private static final class EpollLoops implements LoopResources {

		private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(LoopResources.DEFAULT_IO_WORKER_COUNT,
				new DefaultThreadFactory("reactor-http-epoll", true), EpollIoHandler.newFactory());

		@Override
		public EventLoopGroup onServer(boolean useNative) {
			return this.loops;
		}

		@Override
		public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
			return Mono.create((done) -> this.loops
				.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)
				.addListener((future) -> done.success()));
		}

		@Override
		public boolean isDisposed() {
			return this.loops.isShuttingDown();
		}

	}

}
