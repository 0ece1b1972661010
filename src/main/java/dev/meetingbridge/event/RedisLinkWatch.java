package dev.meetingbridge.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.store.RedisKeys;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
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
 * reloads, instead of waiting, silent, for events that do not come.</li>
 * <li>On a standalone Redis (or Sentinel) it also notices another server answering (its
 * {@code run_id} changed: a failover, a restart, a restore), and has every feed check
 * that the history still holds what it handed on.</li>
 * </ul>
 */
@Component("pubsub")
class RedisLinkWatch implements HealthIndicator, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(RedisLinkWatch.class);

	private static final long PROBE_MILLIS = 1_000;

	/** A probe not back by then means the link is down. */
	private static final long PROBE_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(3 * PROBE_MILLIS);

	/** A link down this long gets a fresh connection (and again each time as long). */
	private static final long RENEW_NANOS = TimeUnit.SECONDS.toNanos(5);

	private static final int SLOTS = 16384;

	private final EventRelay relay;

	private final StringRedisTemplate redis;

	private final boolean cluster;

	private final LettuceConnectionFactory connectionFactory;

	private final long linkTimeoutNanos;

	private final String probePrefix;

	private final String instance;

	private final RedisScript<Long> publish;

	private final AtomicLong sequence = new AtomicLong();

	/** When each probe channel last carried a probe back ({@link System#nanoTime()}). */
	private final Map<String, Long> received = new ConcurrentHashMap<>();

	/** The probe channels in use, one per master on a cluster. */
	private volatile List<String> channels = List.of();

	/** When the watch (re)started: probes older than that say nothing. */
	private volatile long startedAt = System.nanoTime();

	/** Since when the link is down (0 while up); the watch thread writes it. */
	private volatile long downSince;

	private volatile boolean subscribersTold;

	private long lastRenewal;

	private @Nullable String runId;

	private long lastIdentityCheck;

	private volatile @Nullable ScheduledExecutorService scheduler;

	/** A probe tag per cluster slot (computed on first use). */
	private @Nullable String[] slotTags;

	RedisLinkWatch(EventRelay relay, StringRedisTemplate redis, LettuceConnectionFactory connectionFactory,
			RedisKeys keys, BridgeProperties properties, MeterRegistry meters) {
		this.relay = relay;
		this.redis = redis;
		this.connectionFactory = connectionFactory;
		this.cluster = connectionFactory.isClusterAware();
		this.linkTimeoutNanos = properties.redis().linkTimeout().toNanos();
		this.probePrefix = keys.probePrefix();
		this.instance = Long.toHexString(Double.doubleToLongBits(Math.random()) ^ System.nanoTime());
		this.publish = RedisScript
			.of("return redis.call('" + (this.cluster ? "SPUBLISH" : "PUBLISH") + "', KEYS[1], ARGV[1])", Long.class);
		relay.onProbe(this::probeReceived);
		Gauge.builder("bridge.redis.pubsub.up", () -> up() ? 1 : 0)
			.description(
					"Whether this instance's Redis pub/sub link carries messages (1) or not (0), proved by a probe "
							+ "each second")
			.register(meters);
	}

	/** Whether the link carried every probe back within the timeout. */
	boolean up() {
		return this.downSince == 0 && !this.channels.isEmpty() && this.received.keySet().containsAll(this.channels);
	}

	@Override
	public Health health() {
		long now = System.nanoTime();
		if (up()) {
			return Health.up().withDetail("probes", this.channels.size()).build();
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
		if (this.relay.linkClosed()) {
			// Its client was shut down (the connection factory stopped and started
			// again):
			// it will not come back by itself.
			renew(now, "it was closed for good");
		}
		List<String> current = probeChannels();
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
		checkIdentity(now);
		for (String channel : current) {
			try {
				this.relay.subscribeProbe(channel);
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
			this.relay.renewLink(why);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not replace the pub/sub connection: {}", ex.getMessage());
		}
	}

	/**
	 * On a standalone Redis, every few seconds: another server answering (a failover, a
	 * restart, a restore) may have lost what feeds handed on, so they check.
	 */
	private void checkIdentity(long now) {
		if (this.cluster || now - this.lastIdentityCheck < TimeUnit.SECONDS.toNanos(5)) {
			return;
		}
		this.lastIdentityCheck = now;
		try {
			Properties info = this.redis
				.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands().info("server"));
			String current = (info != null) ? info.getProperty("run_id") : null;
			if (current == null) {
				return;
			}
			if (this.runId != null && !this.runId.equals(current)) {
				logger.warn("Another Redis server answers now (run_id {} -> {}): every meeting followed here checks "
						+ "its history", this.runId, current);
				this.relay.verifyAll();
			}
			this.runId = current;
		}
		catch (DataAccessException ex) {
			logger.debug("Could not read Redis's run_id: {}", ex.getMessage());
		}
	}

	/**
	 * The probe channels: one on a standalone Redis; on a cluster one per master, each in
	 * a slot that master serves, so that every node's sharded link is proved.
	 */
	private List<String> probeChannels() {
		if (!this.cluster) {
			if (this.channels.isEmpty()) {
				this.channels = List.of(this.probePrefix + "{p}:" + this.instance);
			}
			return this.channels;
		}
		List<String> wanted = new ArrayList<>();
		try {
			Partitions partitions = clusterPartitions();
			for (RedisClusterNode node : partitions) {
				if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
					wanted.add(this.probePrefix + "{" + slotTag(node.getSlots().get(0)) + "}:" + this.instance);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the cluster's masters: {}", ex.getMessage());
			return this.channels;
		}
		Set<String> gone = new HashSet<>(this.channels);
		wanted.forEach(gone::remove);
		gone.forEach((channel) -> {
			this.relay.unsubscribeProbe(channel);
			this.received.remove(channel);
		});
		this.channels = List.copyOf(wanted);
		return this.channels;
	}

	private Partitions clusterPartitions() {
		// Lettuce's own view of the cluster, kept up to date by its topology refresh.
		return ((RedisClusterClient) this.connectionFactory.getRequiredNativeClient()).getPartitions();
	}

	/** A hash tag whose slot is the given one. */
	private String slotTag(int slot) {
		if (this.slotTags == null) {
			String[] tags = new String[SLOTS];
			int found = 0;
			for (int i = 0; found < SLOTS; i++) {
				String tag = "p" + i;
				int tagSlot = SlotHash.getSlot(tag);
				if (tags[tagSlot] == null) {
					tags[tagSlot] = tag;
					found++;
				}
			}
			this.slotTags = tags;
		}
		return this.slotTags[slot];
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
		while (!this.channels.isEmpty() && !this.received.keySet().containsAll(this.channels)
				&& System.nanoTime() < deadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		ScheduledExecutorService executor = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("redis-link-watch").daemon(true).factory());
		executor.scheduleWithFixedDelay(() -> {
			try {
				tick();
			}
			catch (RuntimeException ex) {
				logger.error("The Redis link watch failed; it goes on", ex);
			}
		}, PROBE_MILLIS, PROBE_MILLIS, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
