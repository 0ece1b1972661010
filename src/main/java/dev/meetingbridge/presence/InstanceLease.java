package dev.meetingbridge.presence;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.meetingbridge.config.BridgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * This instance's lease, and the reaper of the others': bindings belong to their
 * instance's lease, and when an instance stops renewing it any live instance makes its
 * bound participants leave.
 */
@Component
class InstanceLease {

	private static final Logger logger = LoggerFactory.getLogger(InstanceLease.class);

	private final PresenceStore store;

	private final String instance;

	private final Clock clock;

	private final Duration ttl;

	private final Counter reaped;

	/** When this instance first saw another's lease missing. */
	private final Map<String, Long> missingSince = new ConcurrentHashMap<>();

	InstanceLease(PresenceStore store, InstanceId instance, Clock clock, BridgeProperties properties,
			MeterRegistry meters) {
		this.store = store;
		this.instance = instance.value();
		this.clock = clock;
		this.ttl = properties.presence().leaseTtl();
		this.reaped = Counter.builder("bridge.presence.reaped")
			.description("Participants made to leave because their instance died")
			.register(meters);
	}

	/** How often the lease is renewed: well inside its time to live. */
	long renewIntervalMillis() {
		return Math.max(100, this.ttl.toMillis() / 3);
	}

	/**
	 * Renews this instance's lease, and reaps the participants of instances whose lease
	 * expired.
	 */
	void renewAndReap() {
		this.store.renewLease(this.instance, this.ttl);
		long now = this.clock.millis();
		for (String other : this.store.instances()) {
			if (other.equals(this.instance) || this.store.hasLease(other)) {
				this.missingSince.remove(other);
				continue;
			}
			// A lease seen missing once may only mean that Redis was frozen and every
			// lease lapsed at once: reap only when it is still missing after its owner
			// had two chances to renew it.
			long since = this.missingSince.computeIfAbsent(other, (id) -> now);
			if (now - since >= 2 * renewIntervalMillis()) {
				this.missingSince.remove(other);
				reap(other);
			}
		}
	}

	private void reap(String deadInstance) {
		int count = 0;
		for (String member : this.store.bindingsOf(deadInstance)) {
			boolean left = Binding.ofMember(deadInstance, member)
				.map((binding) -> this.store.depart(binding, true))
				.orElse(false);
			if (left) {
				count++;
				this.reaped.increment();
			}
			this.store.forget(deadInstance, member);
		}
		this.store.dropInstanceIfEmpty(deadInstance);
		if (count > 0) {
			logger.warn("Instance {} stopped renewing its lease: {} of its participants left (disconnected)",
					deadInstance, count);
		}
	}

	/** Gives the lease up on a graceful shutdown, so that nothing is left for reapers. */
	void release() {
		this.store.releaseLease(this.instance);
	}

}
