package dev.meetingbridge.presence;

import java.time.Duration;
import java.util.Set;

import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.StoreAccess;
import dev.meetingbridge.store.Timestamps;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Presence in Redis: the binding scripts on the meeting (each checks the binding is still
 * the one the caller saw; the join script binds), each instance's bindings set and lease,
 * and the departures schedule.
 */
@Component
class PresenceStore {

	private final MeetingScripts scripts;

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	private final Timestamps timestamps;

	PresenceStore(StoreAccess store) {
		this.scripts = store.scripts();
		this.redis = store.redis();
		this.keys = store.keys();
		this.timestamps = store.timestamps();
	}

	/**
	 * Lists the binding among its instance's, before the join that makes it exists: an
	 * instance that dies after this leaves something its reaper finds, whether or not the
	 * join happened. True when it was not listed yet.
	 */
	boolean register(Binding binding) {
		Long added = this.redis.opsForSet().add(this.keys.instanceBindings(binding.instance()), binding.member());
		return added != null && added > 0;
	}

	/** Marks the participant away; false when the binding is no longer this one. */
	boolean away(Binding binding) {
		return this.scripts
			.run(MeetingScript.PRESENCE_AWAY, binding.meetingId().value(), "", binding.participantId().value(),
					binding.owner())
			.ok();
	}

	/**
	 * Makes the participant leave ({@code disconnected}) if the binding is still this
	 * one: away (its grace ran out) or, when {@code evenIfBound}, still bound (its
	 * instance died).
	 */
	boolean depart(Binding binding, boolean evenIfBound) {
		return this.scripts
			.run(MeetingScript.PRESENCE_DEPART, binding.meetingId().value(), this.timestamps.now(),
					binding.participantId().value(), binding.owner(), evenIfBound ? "any" : "away")
			.ok();
	}

	void scheduleDeparture(Binding binding, long deadlineMillis) {
		this.redis.opsForZSet().add(this.keys.departures(), binding.departure(), deadlineMillis);
	}

	/** Departures due by {@code nowMillis}, at most {@code count}. */
	Set<String> dueDepartures(long nowMillis, int count) {
		Set<String> due = this.redis.opsForZSet()
			.rangeByScore(this.keys.departures(), Double.NEGATIVE_INFINITY, nowMillis, 0, count);
		return due == null ? Set.of() : due;
	}

	void removeDeparture(String entry) {
		this.redis.opsForZSet().remove(this.keys.departures(), entry);
	}

	/**
	 * Renews the instance's lease and lists it among the instances that hold bindings.
	 */
	void renewLease(String instance, Duration ttl) {
		this.redis.opsForValue().set(this.keys.instanceLease(instance), "alive", ttl);
		this.redis.opsForSet().add(this.keys.instances(), instance);
	}

	boolean hasLease(String instance) {
		return Boolean.TRUE.equals(this.redis.hasKey(this.keys.instanceLease(instance)));
	}

	void releaseLease(String instance) {
		this.redis.delete(this.keys.instanceLease(instance));
	}

	Set<String> instances() {
		Set<String> instances = this.redis.opsForSet().members(this.keys.instances());
		return instances == null ? Set.of() : instances;
	}

	/** The members of the instance's bindings set (see {@link Binding#member()}). */
	Set<String> bindingsOf(String instance) {
		Set<String> members = this.redis.opsForSet().members(this.keys.instanceBindings(instance));
		return members == null ? Set.of() : members;
	}

	void forget(String instance, String member) {
		this.redis.opsForSet().remove(this.keys.instanceBindings(instance), member);
	}

	/** Drops the instance from the list once it holds no bindings. */
	void dropInstanceIfEmpty(String instance) {
		Long left = this.redis.opsForSet().size(this.keys.instanceBindings(instance));
		if (left == null || left == 0) {
			this.redis.opsForSet().remove(this.keys.instances(), instance);
		}
	}

}
