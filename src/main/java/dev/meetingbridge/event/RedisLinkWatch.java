package dev.meetingbridge.event;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.periodic.PeriodicComponent;
import dev.meetingbridge.periodic.PeriodicTasks;
import dev.meetingbridge.store.RedisKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Watches this instance's Redis pub/sub link end to end: every second it publishes a
 * probe on a channel of its own and checks that the probe comes back over the pub/sub
 * connection (on a cluster, one probe per master, on a channel in that master's slots). A
 * connected socket proves nothing: a link can be up but not subscribed (a failed
 * re-subscribe after a failover), half-open, or pointed at a Redis that no longer exists.
 * <ul>
 * <li>Readiness ({@code pubsub}) and {@code bridge_redis_pubsub_up} report the link: down
 * from the first probe that did not come back until one does again (after a reconnect,
 * only once the channels are subscribed again).</li>
 * <li>A link that stays down is replaced by a fresh connection, and after
 * {@code bridge.redis.link-timeout} every local subscriber's session is closed with 4000
 * {@code resync}: its client reconnects (perhaps to an instance whose link works) and
 * reloads, rather than waiting, silent, for events that do not come.</li>
 * </ul>
 */
@Component("pubsub")
class RedisLinkWatch extends PeriodicComponent implements HealthIndicator {

	private static final Logger logger = LoggerFactory.getLogger(RedisLinkWatch.class);

	private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

	/** A probe not back by then means the link is down. */
	private static final long PROBE_TIMEOUT_NANOS = 3 * PROBE_EVERY.toNanos();

	/** A link down this long gets a fresh connection (and again each time as long). */
	private static final long RENEW_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final EventRelay relay;

	private final PubSubLink link;

	private final StringRedisTemplate redis;

	private final ProbeChannels probes;

	private final PeriodicTasks tasks;

	private final long linkTimeoutNanos;

	private final RedisScript<Long> publish;

	private final AtomicLong sequence = new AtomicLong();

	/** When each probe channel last carried a probe back ({@link System#nanoTime()}). */
	private final Map<String, Long> received = new ConcurrentHashMap<>();

	/** When the watch (re)started: probes older than that say nothing. */
	private volatile long startedAt = System.nanoTime();

	/** Since when the link is down (0 while up); the watch thread writes it. */
	private volatile long downSince;

	private volatile boolean subscribersTold;

	private long lastRenewal;

	RedisLinkWatch(EventRelay relay, PubSubLink link, StringRedisTemplate redis,
			LettuceConnectionFactory connectionFactory, RedisKeys keys, BridgeProperties properties,
			MeterRegistry meters, PeriodicTasks tasks) {
		this.relay = relay;
		this.link = link;
		this.redis = redis;
		this.tasks = tasks;
		this.probes = new ProbeChannels(connectionFactory, keys.probePrefix());
		this.linkTimeoutNanos = properties.redis().linkTimeout().toNanos();
		this.publish = RedisScript.of(
				"return redis.call('" + (this.probes.cluster() ? "SPUBLISH" : "PUBLISH") + "', KEYS[1], ARGV[1])",
				Long.class);
		Gauge.builder("bridge.redis.pubsub.up", () -> up() ? 1 : 0)
			.description(
					"Whether this instance's Redis pub/sub link carries messages (1) or not (0), proved by a probe "
							+ "each second")
			.register(meters);
	}

	/** Whether the link carried every probe back within the timeout. */
	boolean up() {
		List<String> channels = this.probes.current();
		return this.downSince == 0 && !channels.isEmpty() && this.received.keySet().containsAll(channels);
	}

	@Override
	public Health health() {
		long now = System.nanoTime();
		if (up()) {
			return Health.up().withDetail("probes", this.probes.current().size()).build();
		}
		long since = (this.downSince != 0) ? this.downSince : this.startedAt;
		return Health.down()
			.withDetail("down", Duration.ofNanos(now - since).toMillis() + " ms")
			.withDetail("subscribersClosed", this.subscribersTold)
			.build();
	}

	private void probeReceived(String channel, String message) {
		this.received.put(channel, System.nanoTime());
	}

	/** One round: check the probes of the last rounds, then send the next. */
	void tick() {
		long now = System.nanoTime();
		if (this.link.closed()) {
			// Its client was shut down (the connection factory was restarted): it
			// will not come back by itself.
			renew(now, "it was closed for good");
		}
		List<String> current = this.probes.refresh((gone) -> {
			this.link.unsubscribe(gone);
			this.received.remove(gone);
		});
		boolean allBack = !current.isEmpty();
		for (String channel : current) {
			Long back = this.received.get(channel);
			if (back == null || now - back > PROBE_TIMEOUT_NANOS) {
				allBack = false;
			}
		}
		if (allBack) {
			if (this.downSince != 0) {
				logger.info("Redis pub/sub link is back after {} ms",
						TimeUnit.NANOSECONDS.toMillis(now - this.downSince));
			}
			this.downSince = 0;
			this.subscribersTold = false;
		}
		else if (now - this.startedAt > PROBE_TIMEOUT_NANOS) {
			whileDown(now);
		}
		for (String channel : current) {
			try {
				// Kept subscribed when the connection is replaced; nothing happens when
				// it is already.
				this.link.subscribe(channel, this::probeReceived);
				this.redis.execute(this.publish, List.of(channel), Long.toString(this.sequence.incrementAndGet()));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not probe the Redis pub/sub link on {}: {}", channel, ex.getMessage());
			}
		}
	}

	private void whileDown(long now) {
		if (this.downSince == 0) {
			this.downSince = now;
			this.lastRenewal = now;
			logger.warn("Redis pub/sub link is down: probes do not come back; readiness is DOWN");
		}
		if (now - this.lastRenewal >= RENEW_NANOS) {
			renew(now, "it has carried nothing for " + TimeUnit.NANOSECONDS.toMillis(now - this.downSince) + " ms");
		}
		if (!this.subscribersTold && now - this.downSince >= this.linkTimeoutNanos) {
			this.subscribersTold = true;
			logger.warn(
					"Redis pub/sub link down for {} ms: closing the sessions that follow meetings here with "
							+ "4000 resync, so that their clients reconnect and reload",
					TimeUnit.NANOSECONDS.toMillis(now - this.downSince));
			this.relay.linkLost();
		}
	}

	private void renew(long now, String why) {
		this.lastRenewal = now;
		try {
			this.link.renew(why);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not replace the pub/sub connection: {}", ex.getMessage());
		}
	}

	/**
	 * Sends the first probe and waits briefly for it, so that an instance that starts
	 * with a working link is ready when it has started.
	 */
	@Override
	public void start() {
		// Also a restart (a paused context): what the probes said before is stale.
		this.received.clear();
		this.downSince = 0;
		this.subscribersTold = false;
		this.startedAt = System.nanoTime();
		tick();
		long deadline = System.nanoTime() + PROBE_TIMEOUT_NANOS;
		List<String> channels = this.probes.current();
		while (!channels.isEmpty() && !this.received.keySet().containsAll(channels) && System.nanoTime() < deadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		run(this.tasks.everyBriefly("probe the Redis pub/sub link", PROBE_EVERY, PROBE_EVERY, this::tick));
	}

}
