package dev.meetingbridge.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code bridge.*} setting, validated at start-up so that a bad value stops the
 * start with its property's name, not a failure later.
 */
@Validated
@ConfigurationProperties("bridge")
public record BridgeProperties(@Valid @DefaultValue Redis redis, @Valid @DefaultValue Security security,
		@Valid @DefaultValue Chat chat, @Valid @DefaultValue History history, @Valid @DefaultValue Retention retention,
		@Valid @DefaultValue Presence presence, @Valid @DefaultValue Stomp stomp, @DefaultValue Transport transport,
		@Valid @DefaultValue Idempotency idempotency, @Valid @DefaultValue Webhooks webhooks) {

	/**
	 * Redis: the prefix of every key and channel; how many replicas must have each state
	 * change before it is acknowledged (Redis {@code WAIT}, 0 for asynchronous
	 * replication) and how long to wait for them (then 503); and how long this instance
	 * may go without a working pub/sub link before its live STOMP sessions are closed
	 * with 4000 {@code resync} (readiness reports the link at once).
	 */
	public record Redis(@NotNull @Pattern(regexp = "[A-Za-z0-9_.-]{1,32}",
			message = "must be 1 to 32 letters, digits, '_', '.' or '-'") @DefaultValue("bridge") String keyPrefix,
			@Min(0) @Max(16) @DefaultValue("0") int replicaAcks,
			@NotNull @DurationMin(millis = 1) @DefaultValue("1s") Duration replicaAckTimeout,
			@NotNull @DurationMin(seconds = 1) @DefaultValue("10s") Duration linkTimeout) {
	}

	/** Token verification. */
	public record Security(@Nullable @Size(min = 32, message = SECRET_RULE) String jwtSecret) {

		static final String SECRET_RULE = "bridge.security.jwt-secret (BRIDGE_JWT_SECRET) must be at least 32 bytes, "
				+ "or unset for a random development secret";

		public Security {
			// BRIDGE_JWT_SECRET set to nothing means unset.
			jwtSecret = (jwtSecret == null || jwtSecret.isBlank()) ? null : jwtSecret;
		}

	}

	/** Chat limits. */
	public record Chat(@Min(1) @Max(65536) @DefaultValue("4096") int maxLength,
			@Min(1) @DefaultValue("20") int ratePerSecond, @Min(1) @DefaultValue("40") int burst) {
	}

	/** Event history kept per meeting. */
	public record History(@Min(1) @Max(1_000_000) @DefaultValue("1000") int maxEvents) {
	}

	/** How long ended meetings stay readable. */
	public record Retention(@NotNull @DurationMin(seconds = 1) @DefaultValue("24h") Duration endedMeetings) {
	}

	/** Session-bound presence. */
	public record Presence(@NotNull @DurationMin(millis = 0) @DefaultValue("10s") Duration grace,
			@NotNull @DurationMin(seconds = 1) @DefaultValue("15s") Duration leaseTtl) {
	}

	/**
	 * STOMP endpoint: the heart-beat interval offered to clients (also the interval at
	 * which clients without heart-beats are pinged; 0 turns both off), how long a
	 * WebSocket may stay without a completed CONNECT, how many subscriptions one session
	 * may hold, and how many WebSocket sessions one instance accepts (each is a file
	 * descriptor; beyond it a new WebSocket is closed at once with 1013, try again later,
	 * so that a load balancer's retry or the client's reconnect finds another instance).
	 */
	public record Stomp(@NotNull @DurationMin(millis = 0) @DefaultValue("10s") Duration heartbeat,
			@NotNull @DurationMin(millis = 100) @DefaultValue("10s") Duration connectTimeout,
			@Min(1) @Max(100_000) @DefaultValue("256") int maxSubscriptions,
			@Min(1) @DefaultValue("20000") int maxSessions) {
	}

	/** How long the answer to a request with an {@code Idempotency-Key} is kept. */
	public record Idempotency(@NotNull @DurationMin(seconds = 1) @DefaultValue("24h") Duration ttl) {
	}

	/**
	 * Webhook endpoints ({@code endpoints[i].url}, {@code .secret}, {@code .events}; or
	 * {@code url} and {@code secret} for one, from {@code BRIDGE_WEBHOOKS_URL} and
	 * {@code BRIDGE_WEBHOOKS_SECRET}), how long an endpoint may take to answer, how many
	 * meetings one instance delivers to one endpoint at once, how long an instance holds
	 * a meeting's delivery to an endpoint without renewing it before another takes over,
	 * and the bounds of the back-off between attempts. Endpoints and secrets are checked
	 * by {@link WebhookEndpoints}.
	 */
	public record Webhooks(@DefaultValue List<Endpoint> endpoints, @Nullable String url, @Nullable String secret,
			@NotNull @DurationMin(millis = 100) @DefaultValue("5s") Duration timeout,
			@Min(1) @Max(10_000) @DefaultValue("32") int maxInFlight,
			@NotNull @DurationMin(seconds = 1) @DefaultValue("15s") Duration leaseTtl,
			@NotNull @DurationMin(millis = 10) @DefaultValue("1s") Duration backoffMin,
			@NotNull @DurationMin(millis = 10) @DefaultValue("5m") Duration backoffMax) {

		public Webhooks {
			// BRIDGE_WEBHOOKS_URL set to nothing means unset.
			url = (url == null || url.isBlank()) ? null : url.strip();
			secret = (secret == null || secret.isBlank()) ? null : secret.strip();
		}

		/** One endpoint; {@code events} empty means every event type. */
		public record Endpoint(@Nullable String url, @Nullable String secret, @DefaultValue List<String> events) {
		}

	}

	/**
	 * The HTTP and WebSocket server's network transport: io_uring where the kernel offers
	 * it (the default), otherwise epoll; {@code io-uring=false} keeps it on epoll. With
	 * {@code redis-per-loop} (the default) each event loop of the server runs the Redis
	 * scripts of its REST joins, leaves and chat messages over a Redis connection of its
	 * own, on its own thread (not on a Redis Cluster).
	 */
	public record Transport(@DefaultValue("true") boolean ioUring, @DefaultValue("true") boolean redisPerLoop) {
	}

}
