package dev.meetingbridge.config;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local profile's embedded Redis: started only when nothing is configured or running,
 * and only in that profile.
 */
class LocalRedisTests {

	private final LocalRedis localRedis = new LocalRedis(Supplier::get);

	@Test
	void startsAnEmbeddedRedisWhenNoneIsConfiguredOrRunning() throws Exception {
		MockEnvironment environment = new MockEnvironment().withProperty("bridge.local-redis.probe-port",
				Integer.toString(unusedPort()));
		environment.setActiveProfiles("local");
		SpringApplication application = new SpringApplication();

		this.localRedis.postProcessEnvironment(environment, application);

		Integer port = environment.getProperty("spring.data.redis.port", Integer.class);
		assertThat(port).isNotNull();
		assertThat(environment.getProperty("spring.data.redis.host")).isEqualTo("127.0.0.1");
		try {
			assertThat(LocalRedis.answers("127.0.0.1", port)).isTrue();
		}
		finally {
			GenericApplicationContext context = new GenericApplicationContext();
			application.getListeners().forEach(context::addApplicationListener);
			context.refresh();
			context.publishEvent(new ContextClosedEvent(context));
			context.close();
		}
		// Stopping signals the process; it is gone a moment later.
		await().atMost(Duration.ofSeconds(10)).until(() -> !LocalRedis.answers("127.0.0.1", port));
	}

	@Test
	void aConfiguredRedisAlwaysWins() throws Exception {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("bridge.local-redis.probe-port", Integer.toString(unusedPort()))
			.withProperty("spring.data.redis.url", "redis://redis.example:6379");
		environment.setActiveProfiles("local");

		this.localRedis.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.containsProperty("spring.data.redis.port")).isFalse();
	}

	@Test
	void aRunningRedisOnTheUsualPortIsUsed() throws Exception {
		try (ServerSocket running = new ServerSocket(0)) {
			MockEnvironment environment = new MockEnvironment().withProperty("bridge.local-redis.probe-port",
					Integer.toString(running.getLocalPort()));
			environment.setActiveProfiles("local");

			this.localRedis.postProcessEnvironment(environment, new SpringApplication());

			assertThat(environment.containsProperty("spring.data.redis.port")).isFalse();
		}
	}

	@Test
	void noOtherProfileEverStartsOne() throws Exception {
		MockEnvironment environment = new MockEnvironment().withProperty("bridge.local-redis.probe-port",
				Integer.toString(unusedPort()));
		environment.setActiveProfiles("prod");

		this.localRedis.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.containsProperty("spring.data.redis.port")).isFalse();
	}

	@Test
	void withoutEmbeddedRedisOnTheClassPathItBacksOff() throws Exception {
		MockEnvironment environment = new MockEnvironment().withProperty("bridge.local-redis.probe-port",
				Integer.toString(unusedPort()));
		environment.setActiveProfiles("local");

		new LocalRedis(Supplier::get).embeddedRedisClass("redis.embedded.NotThere")
			.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.containsProperty("spring.data.redis.port")).isFalse();
	}

	private static int unusedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
