package dev.meetingbridge.config;

import java.io.IOException;
import java.io.UncheckedIOException;

import redis.embedded.RedisServer;

/**
 * The embedded Redis of the local profile. Only {@link LocalRedis} uses it, and only when
 * embedded-redis is on the class path (it is an optional dependency:
 * {@code spring-boot:run} and the tests have it, the packaged jar does not).
 */
final class EmbeddedRedis {

	private final RedisServer server;

	private EmbeddedRedis(RedisServer server) {
		this.server = server;
	}

	static EmbeddedRedis start(int port) {
		try {
			RedisServer server = RedisServer.newRedisServer()
				.port(port)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.onShutdownForceStop(true)
				.build();
			server.start();
			return new EmbeddedRedis(server);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start an embedded Redis on port " + port, ex);
		}
	}

	void stop() {
		try {
			if (this.server.isActive()) {
				this.server.stop();
			}
		}
		catch (IOException ex) {
			// Stopping at exit; the process goes with us.
		}
	}

}
