package dev.meetingbridge.config;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Fails fast when Redis is away: commands are refused at once while disconnected (instead
 * of queueing until their timeout), time out after {@code spring.data.redis.timeout} when
 * Redis is frozen, and the client reconnects and re-subscribes by itself when Redis
 * returns.
 */
@Configuration(proxyBeanMethods = false)
class RedisClientConfig {

	@Bean
	LettuceClientOptionsBuilderCustomizer failFastWhenRedisIsAway() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true)
			.timeoutOptions(TimeoutOptions.enabled())
			.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).keepAlive(true).build());
	}

}
