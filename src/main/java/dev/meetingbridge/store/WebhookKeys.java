package dev.meetingbridge.store;

import java.util.List;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.config.WebhookEndpoint;
import dev.meetingbridge.config.WebhookEndpoints;
import io.lettuce.core.cluster.SlotHash;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * The webhook delivery keys. Per endpoint and meeting, a state hash in the meeting's slot
 * (the cursor, attempts, next attempt, the lease). Per endpoint, the schedule: which
 * meetings have events to deliver, scored by when the next attempt is due ({@code due}),
 * and since when each has been waiting ({@code since}). The schedule is sharded: a
 * meeting's shard is in the meeting's own slot, so the script that records an event also
 * schedules it. On a cluster there is one shard per slot (16,384, each named by a hash
 * tag that falls into that slot), so no node holds every meeting's schedule; on a
 * standalone Redis, 16.
 */
@Component
public class WebhookKeys {

	static final int STANDALONE_SHARDS = 16;

	private static final List<String> NO_ENDPOINTS = List.of("", "");

	private final String prefix;

	private final String[] shardTags;

	private final boolean cluster;

	private final String endpointSpec;

	WebhookKeys(BridgeProperties properties, RedisConnectionFactory connectionFactory, WebhookEndpoints endpoints) {
		this.prefix = properties.redis().keyPrefix();
		this.cluster = connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
		this.shardTags = this.cluster ? slotTags() : standaloneTags();
		StringBuilder spec = new StringBuilder();
		for (WebhookEndpoint endpoint : endpoints.all()) {
			spec.append(endpoint.id()).append('=');
			spec.append(endpoint.events().isEmpty() ? "*" : "," + String.join(",", endpoint.events()) + ",");
			spec.append(';');
		}
		this.endpointSpec = spec.toString();
	}

	/**
	 * A hash tag per slot whose own slot is that slot: {@code w:N} for the smallest N
	 * that falls there.
	 */
	private static String[] slotTags() {
		String[] tags = new String[SlotHash.SLOT_COUNT];
		int found = 0;
		for (int n = 0; found < tags.length; n++) {
			String tag = "w:" + n;
			int slot = SlotHash.getSlot(tag);
			if (tags[slot] == null) {
				tags[slot] = tag;
				found++;
			}
		}
		return tags;
	}

	private static String[] standaloneTags() {
		String[] tags = new String[STANDALONE_SHARDS];
		for (int i = 0; i < tags.length; i++) {
			tags[i] = "w:" + i;
		}
		return tags;
	}

	/** The shard that schedules a meeting's deliveries: in the meeting's slot. */
	public String shardOf(String meetingId) {
		int slot = SlotHash.getSlot("m:" + meetingId);
		return this.shardTags[this.cluster ? slot : slot % STANDALONE_SHARDS];
	}

	/** Every shard. */
	public List<String> shards() {
		return List.of(this.shardTags);
	}

	/**
	 * The start of the schedule keys of a shard; {@code <endpoint>:due} and
	 * {@code <endpoint>:since} follow.
	 */
	String shardPrefix(String shard) {
		return this.prefix + ":{" + shard + "}:webhook:";
	}

	/**
	 * Meetings with events to deliver to the endpoint, scored by when the next attempt is
	 * due.
	 */
	public String due(String shard, String endpointId) {
		return shardPrefix(shard) + endpointId + ":due";
	}

	/**
	 * Meetings with events to deliver to the endpoint, scored by since when they wait.
	 */
	public String since(String shard, String endpointId) {
		return shardPrefix(shard) + endpointId + ":since";
	}

	/** A meeting's delivery to an endpoint: cursor, attempts, next attempt, lease. */
	public String state(String meetingId, String endpointId) {
		return this.prefix + ":{m:" + meetingId + "}:webhook:" + endpointId;
	}

	/** An endpoint's health: ok or failing, and its last error. */
	public String status(String endpointId) {
		return this.prefix + ":{e:" + endpointId + "}:webhook-status";
	}

	/**
	 * The extra keys of the webhook scripts: state, due and since, all in the meeting's
	 * slot.
	 */
	public List<String> scriptKeys(String meetingId, String endpointId) {
		String shard = shardOf(meetingId);
		return List.of(state(meetingId, endpointId), due(shard, endpointId), since(shard, endpointId));
	}

	/**
	 * What every meeting script receives so that recording an event schedules it: the
	 * meeting shard's key prefix ('' without endpoints) and each endpoint's id and types
	 * ({@code id=*;} or {@code id=,type,type,;}).
	 */
	List<String> recordingArguments(String meetingId) {
		if (this.endpointSpec.isEmpty()) {
			return NO_ENDPOINTS;
		}
		return List.of(shardPrefix(shardOf(meetingId)), this.endpointSpec);
	}

}
