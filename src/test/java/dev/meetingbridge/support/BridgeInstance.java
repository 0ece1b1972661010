package dev.meetingbridge.support;

import java.util.ArrayList;
import java.util.List;

import dev.meetingbridge.MeetingBridgeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One more bridge instance in this JVM, on its own port, against the shared test Redis
 * and with the test secret: a second (or third) instance next to the test's own context.
 */
public final class BridgeInstance implements RunningBridge, AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final int port;

	private BridgeInstance(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * Starts an instance; {@code properties} are {@code name=value} pairs, such as
	 * {@code bridge.presence.grace=1s}.
	 */
	public static BridgeInstance start(String... properties) {
		return startWith(TestRedis.arguments(), properties);
	}

	/**
	 * Starts an instance on a standalone Redis at the URL (the test Redis behind a relay,
	 * say).
	 */
	public static BridgeInstance startOn(String redisUrl, String... properties) {
		return startWith(List.of("--spring.data.redis.url=" + redisUrl), properties);
	}

	/**
	 * Starts an instance on the Redis that {@code redisArguments} point it at
	 * ({@link RedisSentinelSet#bridgeArguments()}, say).
	 */
	public static BridgeInstance startWith(List<String> redisArguments, String... properties) {
		List<String> args = new ArrayList<>();
		args.add("--server.port=0");
		args.addAll(redisArguments);
		args.add("--bridge.security.jwt-secret=" + IntegrationTest.SECRET);
		for (String property : properties) {
			args.add("--" + property);
		}
		return new BridgeInstance(
				new SpringApplicationBuilder(MeetingBridgeApplication.class).run(args.toArray(String[]::new)));
	}

	@Override
	public int port() {
		return this.port;
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
