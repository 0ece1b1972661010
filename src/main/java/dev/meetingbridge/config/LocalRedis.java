package dev.meetingbridge.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import redis.embedded.RedisServer;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The {@code local} profile ({@code ./mvnw spring-boot:run}) needs nothing else: when no Redis is
 * configured and none answers on localhost:6379, it starts an embedded Redis (6.2, in-memory) for
 * the life of the process and says so. A configured Redis always wins, and no other profile ever
 * starts one.
 */
class LocalRedis implements EnvironmentPostProcessor, Ordered {

	static final String PROFILE = "local";

	private static final List<String> CONFIGURED = List.of("spring.data.redis.url", "spring.data.redis.host",
			"spring.data.redis.port", "spring.data.redis.cluster.nodes", "spring.data.redis.sentinel.master");

	private final Log logger;

	LocalRedis(DeferredLogFactory logs) {
		this.logger = logs.getLog(LocalRedis.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.matchesProfiles(PROFILE) || CONFIGURED.stream().anyMatch(environment::containsProperty)) {
			return;
		}
		int usual = environment.getProperty("bridge.local-redis.probe-port", Integer.class, 6379);
		if (answers("localhost", usual)) {
			this.logger.info("Using the Redis that answers on localhost:" + usual);
			return;
		}
		int port = freePort();
		RedisServer server = start(port);
		environment.getPropertySources()
			.addFirst(new MapPropertySource("embeddedRedis",
					Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", port)));
		application.addListeners((ApplicationListener<ContextClosedEvent>) (event) -> stop(server));
		Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "embedded-redis-stop"));
		this.logger.warn("No Redis is configured and none answers on localhost:" + usual + ": started an embedded Redis "
				+ "on 127.0.0.1:" + port + " for this run (in memory only, gone when the service stops). "
				+ "Set SPRING_DATA_REDIS_URL to use a real one.");
	}

	static RedisServer start(int port) {
		try {
			RedisServer server = RedisServer.newRedisServer()
				.port(port)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.onShutdownForceStop(true)
				.build();
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start an embedded Redis on port " + port, ex);
		}
	}

	private static void stop(RedisServer server) {
		try {
			if (server.isActive()) {
				server.stop();
			}
		}
		catch (IOException ex) {
			// Stopping at exit; the process goes with us.
		}
	}

	static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 300);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** After the configuration files are read, so that profiles and configured Redis are known. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
