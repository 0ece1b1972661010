package dev.meetingbridge.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * The {@code local} profile ({@code ./mvnw spring-boot:run}) needs nothing else: when no
 * Redis is configured and none answers on localhost:6379, it starts an embedded Redis
 * (6.2, in-memory) for the life of the process and says so. A configured Redis always
 * wins, and no other profile ever starts one. Without embedded-redis on the class path
 * (the packaged jar) it only says what to set.
 */
class LocalRedis implements EnvironmentPostProcessor, Ordered {

	static final String PROFILE = "local";

	static final String EMBEDDED_REDIS = "redis.embedded.RedisServer";

	private static final List<String> CONFIGURED = List.of("spring.data.redis.url", "spring.data.redis.host",
			"spring.data.redis.port", "spring.data.redis.cluster.nodes", "spring.data.redis.sentinel.master");

	private final Log logger;

	private String embeddedRedisClass = EMBEDDED_REDIS;

	LocalRedis(DeferredLogFactory logs) {
		this.logger = logs.getLog(LocalRedis.class);
	}

	/** For tests: the class whose presence means embedded-redis is on the class path. */
	LocalRedis embeddedRedisClass(String className) {
		this.embeddedRedisClass = className;
		return this;
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
		if (!ClassUtils.isPresent(this.embeddedRedisClass, LocalRedis.class.getClassLoader())) {
			this.logger.warn("No Redis is configured and none answers on localhost:" + usual + ", and this build "
					+ "has no embedded Redis: set SPRING_DATA_REDIS_URL.");
			return;
		}
		int port = freePort();
		EmbeddedRedis server = EmbeddedRedis.start(port);
		environment.getPropertySources()
			.addFirst(new MapPropertySource("embeddedRedis",
					Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", port)));
		application.addListeners((ApplicationListener<ContextClosedEvent>) (event) -> server.stop());
		Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "embedded-redis-stop"));
		this.logger
			.warn("No Redis is configured and none answers on localhost:" + usual + ": started an embedded Redis "
					+ "on 127.0.0.1:" + port + " for this run (in memory only, gone when the service stops). "
					+ "Set SPRING_DATA_REDIS_URL to use a real one.");
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

	/**
	 * After the configuration files are read, so that profiles and configured Redis are
	 * known.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
