package dev.meetingbridge.config;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.Transports;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Fails fast when Redis is away: commands are refused at once while disconnected (instead
 * of queueing until their timeout), time out after {@code spring.data.redis.timeout} when
 * Redis is frozen, and the client reconnects and re-subscribes by itself when Redis
 * returns, also at another address.
 */
@Configuration(proxyBeanMethods = false)
class RedisClientConfig {

	/** The longest pause between two reconnect attempts while Redis is away. */
	static final Duration MOST_BETWEEN_RECONNECTS = Duration.ofSeconds(5);

	/** How often the client's timer checks for due timeouts and delays. */
	private static final Duration TIMER_TICK = Duration.ofMillis(250);

	@Bean
	LettuceClientOptionsBuilderCustomizer failFastWhenRedisIsAway() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true)
			.timeoutOptions(TimeoutOptions.enabled())
			.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).keepAlive(true).build());
	}

	/**
	 * Redis's name is resolved again on every connect ({@link UncachedDns}). Reconnect
	 * attempts back off from 100 ms to at most five seconds, so Redis is found within
	 * seconds of coming back however long it was away.
	 */
	@Bean
	@SuppressWarnings("unchecked")
	ClientResourcesBuilderCustomizer followRedisToNewAddresses(HashedWheelTimer lettuceTimer) {
		return (resources) -> resources.timer(lettuceTimer)
			.addressResolverGroup(UncachedDns.resolver(Transports.datagramChannelClass(),
					(Class<? extends SocketChannel>) Transports.socketChannelClass()))
			.reconnectDelay(
					() -> Delay.exponential(Duration.ofMillis(100), MOST_BETWEEN_RECONNECTS, 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * The client's timer (command timeouts, reconnect delays, connection handshakes)
	 * ticks coarser than Netty's default, so that an idle instance wakes less often, and
	 * only that much coarser: a command times out up to one tick after
	 * {@code spring.data.redis.timeout}, so a coarser tick would keep a request waiting
	 * on a frozen Redis well beyond the configured timeout and round the first, short
	 * reconnect delays up to a whole tick. Stopped with the context: the client does not
	 * stop a timer it is given.
	 */
	@Bean(destroyMethod = "stop")
	HashedWheelTimer lettuceTimer() {
		return new HashedWheelTimer(new DefaultThreadFactory("lettuce-timer", true), TIMER_TICK.toMillis(),
				TimeUnit.MILLISECONDS);
	}

}
