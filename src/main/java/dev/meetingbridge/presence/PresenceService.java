package dev.meetingbridge.presence;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.ScriptResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;

/**
 * Session-bound presence. A participant who joined over STOMP is bound to that session; when the
 * session ends it is away, and leaves with reason {@code disconnected} unless it re-joins within
 * {@code bridge.presence.grace}. Bindings belong to this instance's lease: when an instance dies,
 * any live instance makes its bound participants leave once the lease has expired.
 * <p>
 * Every decision is a script on the meeting that checks the binding is still the one it saw, so
 * concurrent reapers, late timers and re-joins on other instances cannot make anyone leave twice.
 */
@Service
public class PresenceService implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PresenceService.class);

	private static final long TICK_MILLIS = 250;

	private final MeetingScripts scripts;

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final String instance;

	private final Clock clock;

	private final Duration grace;

	private final Duration leaseTtl;

	private final Counter reaped;

	private final Counter departed;

	/** Open local sessions and the participants bound to them. */
	private final Map<String, LocalSession> sessions = new ConcurrentHashMap<>();

	/** Bindings whose session ended while Redis could not be told; retried until it can. */
	private final Set<Binding> pendingAway = ConcurrentHashMap.newKeySet();

	/** When this instance first saw another's lease missing. */
	private final Map<String, Long> missingSince = new ConcurrentHashMap<>();

	private volatile ScheduledExecutorService scheduler;

	private volatile long lastRenewal;

	PresenceService(MeetingScripts scripts, StringRedisTemplate redis, RedisKeys keys, InstanceId instance,
			Clock clock, BridgeProperties properties, MeterRegistry meters) {
		this.scripts = scripts;
		this.redis = redis;
		this.keys = keys;
		this.instance = instance.value();
		this.clock = clock;
		this.grace = properties.presence().grace();
		this.leaseTtl = properties.presence().leaseTtl();
		this.reaped = Counter.builder("bridge.presence.reaped")
			.description("Participants made to leave because their instance died")
			.register(meters);
		this.departed = Counter.builder("bridge.presence.departed")
			.description("Participants made to leave because their session ended and the grace ran out")
			.register(meters);
	}

	/** A participant bound to one STOMP session of this instance. */
	record Binding(String meetingId, String participantId, String sessionId) {

		String owner(String instance) {
			return instance + "|" + this.sessionId;
		}

	}

	/** A local STOMP session; {@code ended} once it closed, so that a join still in flight cannot bind to it. */
	private static final class LocalSession {

		private final Set<Binding> bindings = new HashSet<>();

		private boolean ended;

	}

	/** A STOMP session opened here: participants that join through it will be bound to it. */
	public void sessionStarted(String sessionId) {
		this.sessions.put(sessionId, new LocalSession());
	}

	/**
	 * Binds a member of the meeting to the STOMP session that joined it (or joined it again: a
	 * re-join within the grace moves the binding here, and nothing is published).
	 */
	public void bind(String sessionId, MeetingId meetingId, ParticipantId participantId) {
		Binding binding = new Binding(meetingId.value(), participantId.value(), sessionId);
		ScriptResult result = this.scripts.run(MeetingScript.PRESENCE_BIND, meetingId.value(), "",
				participantId.value(),
				binding.owner(this.instance));
		if (!result.ok()) {
			return;
		}
		this.redis.opsForSet().add(this.keys.instanceBindings(this.instance), member(binding));
		LocalSession session = this.sessions.get(sessionId);
		boolean kept = false;
		if (session != null) {
			synchronized (session) {
				if (!session.ended) {
					session.bindings.add(binding);
					kept = true;
				}
			}
		}
		if (!kept) {
			// The session ended while its join was still being handled: the participant is away already.
			away(binding);
		}
	}

	/** The session ended (DISCONNECT, closed socket, missed heart-beats): its participants are away. */
	public void sessionEnded(String sessionId) {
		LocalSession session = this.sessions.remove(sessionId);
		if (session == null) {
			return;
		}
		Set<Binding> bindings;
		synchronized (session) {
			session.ended = true;
			bindings = Set.copyOf(session.bindings);
		}
		bindings.forEach(this::away);
	}

	private void away(Binding binding) {
		try {
			ScriptResult result = this.scripts.run(MeetingScript.PRESENCE_AWAY, binding.meetingId(), "",
					binding.participantId(), binding.owner(this.instance));
			if (result.ok()) {
				long deadline = this.clock.millis() + this.grace.toMillis();
				this.redis.opsForZSet().add(this.keys.departures(), departure(binding), deadline);
			}
			this.redis.opsForSet().remove(this.keys.instanceBindings(this.instance), member(binding));
			this.pendingAway.remove(binding);
		}
		catch (DataAccessException ex) {
			logger.warn("Could not mark {} of meeting {} away ({}); will retry", binding.participantId(),
					binding.meetingId(), ex.getMessage());
			this.pendingAway.add(binding);
		}
	}

	/** Makes every away participant whose grace ran out leave; any instance may do it. */
	void departDue() {
		var due = this.redis.opsForZSet()
			.rangeByScore(this.keys.departures(), Double.NEGATIVE_INFINITY, this.clock.millis(), 0, 200);
		if (due == null) {
			return;
		}
		for (String entry : due) {
			String[] parts = entry.split("\\|");
			if (parts.length == 4) {
				ScriptResult result = this.scripts.run(MeetingScript.PRESENCE_DEPART, parts[0], this.scripts.now(),
						parts[1], parts[2] + "|" + parts[3], "away");
				if (result.ok()) {
					this.departed.increment();
					logger.info("Participant {} left meeting {}: disconnected for longer than {}", parts[1], parts[0],
							this.grace);
				}
			}
			this.redis.opsForZSet().remove(this.keys.departures(), entry);
		}
	}

	/** Renews this instance's lease, and reaps the participants of instances whose lease expired. */
	void renewAndReap() {
		this.redis.opsForValue().set(this.keys.instanceLease(this.instance), "alive", this.leaseTtl);
		this.redis.opsForSet().add(this.keys.instances(), this.instance);
		this.lastRenewal = this.clock.millis();
		Set<String> instances = this.redis.opsForSet().members(this.keys.instances());
		if (instances == null) {
			return;
		}
		long now = this.clock.millis();
		for (String other : instances) {
			if (other.equals(this.instance) || Boolean.TRUE.equals(this.redis.hasKey(this.keys.instanceLease(other)))) {
				this.missingSince.remove(other);
				continue;
			}
			// A lease seen missing once may only mean Redis was frozen and every lease lapsed at
			// once: reap only when it is still missing after the owner had two chances to renew.
			long since = this.missingSince.computeIfAbsent(other, (id) -> now);
			if (now - since >= 2 * renewInterval()) {
				this.missingSince.remove(other);
				reap(other);
			}
		}
	}

	private long renewInterval() {
		return Math.max(100, this.leaseTtl.toMillis() / 3);
	}

	private void reap(String deadInstance) {
		String bindingsKey = this.keys.instanceBindings(deadInstance);
		Set<String> members = this.redis.opsForSet().members(bindingsKey);
		int count = 0;
		if (members != null) {
			for (String member : members) {
				String[] parts = member.split("\\|");
				if (parts.length == 3) {
					ScriptResult result = this.scripts.run(MeetingScript.PRESENCE_DEPART, parts[0], this.scripts.now(),
							parts[1], deadInstance + "|" + parts[2], "any");
					if (result.ok()) {
						count++;
						this.reaped.increment();
					}
				}
				this.redis.opsForSet().remove(bindingsKey, member);
			}
		}
		Long left = this.redis.opsForSet().size(bindingsKey);
		if (left == null || left == 0) {
			this.redis.opsForSet().remove(this.keys.instances(), deadInstance);
		}
		if (count > 0) {
			logger.warn("Instance {} stopped renewing its lease: {} of its participants left (disconnected)",
					deadInstance, count);
		}
	}

	private void retryPendingAway() {
		for (Binding binding : Set.copyOf(this.pendingAway)) {
			away(binding);
		}
	}

	private static String member(Binding binding) {
		return binding.meetingId() + "|" + binding.participantId() + "|" + binding.sessionId();
	}

	private String departure(Binding binding) {
		return binding.meetingId() + "|" + binding.participantId() + "|" + this.instance + "|" + binding.sessionId();
	}

	/** Whether this instance renewed its lease within its time to live (for health). */
	public boolean leaseCurrent() {
		return this.clock.millis() - this.lastRenewal < this.leaseTtl.toMillis();
	}

	public int boundSessions() {
		return (int) this.sessions.values().stream().filter((session) -> {
			synchronized (session) {
				return !session.bindings.isEmpty();
			}
		}).count();
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
			.name("presence")
			.daemon(true)
			.factory());
		executor.scheduleWithFixedDelay(guarded("renew the lease", this::renewAndReap), 0, renewInterval(),
				TimeUnit.MILLISECONDS);
		executor.scheduleWithFixedDelay(guarded("process departures", () -> {
			retryPendingAway();
			departDue();
		}), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	private static Runnable guarded(String what, Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (DataAccessException ex) {
				logger.warn("Could not {}: {}", what, ex.getMessage());
			}
			catch (RuntimeException ex) {
				logger.error("Could not {}", what, ex);
			}
		};
	}

	/**
	 * Graceful shutdown: by now the STOMP handler has closed every session (going away), which
	 * made their participants away with the normal grace, so clients can re-join on another
	 * instance. Then the lease goes, and nothing is left for reapers.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
		Set.copyOf(this.sessions.keySet()).forEach(this::sessionEnded);
		try {
			retryPendingAway();
			if (this.pendingAway.isEmpty()) {
				this.redis.delete(this.keys.instanceLease(this.instance));
			}
		}
		catch (DataAccessException ex) {
			logger.warn("Could not hand over presence on shutdown: {}", ex.getMessage());
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/** After the STOMP handler (which closes the sessions), before Redis goes. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

}
