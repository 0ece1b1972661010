package dev.meetingbridge.store;

import java.util.List;

import dev.meetingbridge.config.BridgeProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Every Redis key and channel of the bridge, derived from
 * {@code bridge.redis.key-prefix}. Keys of one meeting share the hash tag {@code {m:ID}}
 * so that a script touching them stays in one cluster slot.
 */
@Component
public class RedisKeys {

	private final String prefix;

	public RedisKeys(BridgeProperties properties) {
		this.prefix = properties.redis().keyPrefix();
	}

	private String meetingTag(String meetingId) {
		return this.prefix + ":{m:" + meetingId + "}:";
	}

	public String meeting(String meetingId) {
		return meetingTag(meetingId) + "meeting";
	}

	public String participants(String meetingId) {
		return meetingTag(meetingId) + "participants";
	}

	/** Open connections of a meeting: connection id to the other meeting's id. */
	public String connections(String meetingId) {
		return meetingTag(meetingId) + "connections";
	}

	/**
	 * Every connection the meeting has had, open or closed: connection id to its record.
	 */
	public String connectionInfo(String meetingId) {
		return meetingTag(meetingId) + "connection-info";
	}

	/** Session-bound participants of a meeting: participant id to its binding. */
	public String presence(String meetingId) {
		return meetingTag(meetingId) + "presence";
	}

	public String history(String meetingId) {
		return meetingTag(meetingId) + "history";
	}

	/** The pub/sub channel that carries every event of a meeting. */
	public String eventChannel(String meetingId) {
		return meetingTag(meetingId) + "events";
	}

	/**
	 * The start of the pub/sub link probes' channels; each adds a hash tag (a slot, on a
	 * cluster) and the probing instance.
	 */
	public String probePrefix() {
		return this.prefix + ":probe:";
	}

	/** The meeting id of an event channel, or null if the channel is not one. */
	public @Nullable String meetingOfChannel(String channel) {
		String start = this.prefix + ":{m:";
		String end = "}:events";
		if (!channel.startsWith(start) || !channel.endsWith(end)) {
			return null;
		}
		return channel.substring(start.length(), channel.length() - end.length());
	}

	/**
	 * The record of a request with an {@code Idempotency-Key} whose change is made on
	 * this meeting, in the meeting's slot so that the script that makes the change also
	 * keeps the answer.
	 */
	public String idempotency(String meetingId, String recordId) {
		return meetingTag(meetingId) + "idempotency:" + recordId;
	}

	/**
	 * The record of a request with an {@code Idempotency-Key} that is not made on one
	 * known meeting (creating a meeting with a generated id, minting a token).
	 */
	public String idempotency(String recordId) {
		return this.prefix + ":{k:" + recordId + "}:idempotency";
	}

	/**
	 * The keys every meeting script receives, in the order the scripts expect; the last
	 * is the request's idempotency record ({@code recordId} null: one that nothing
	 * writes).
	 */
	public List<String> meetingScriptKeys(String meetingId, @Nullable String recordId) {
		return List.of(meeting(meetingId), participants(meetingId), connections(meetingId), connectionInfo(meetingId),
				history(meetingId), presence(meetingId), idempotency(meetingId, recordId != null ? recordId : "-"));
	}

	/** Which connection currently joins two meetings, whichever side opened it. */
	public String link(String meetingA, String meetingB) {
		String first = meetingA.compareTo(meetingB) <= 0 ? meetingA : meetingB;
		String second = first.equals(meetingA) ? meetingB : meetingA;
		return this.prefix + ":{l:" + first + "|" + second + "}:link";
	}

	/**
	 * Away participants waiting for their grace to run out:
	 * "meeting|participant|instance|session", scored by deadline.
	 */
	public String departures() {
		return this.prefix + ":presence:departures";
	}

	/** Instances that hold (or held) session-bound participants. */
	public String instances() {
		return this.prefix + ":presence:instances";
	}

	/** Present while the instance is alive; it renews it well inside its time to live. */
	public String instanceLease(String instanceId) {
		return this.prefix + ":{i:" + instanceId + "}:lease";
	}

	/** The instance's bound participants: "meeting|participant|session". */
	public String instanceBindings(String instanceId) {
		return this.prefix + ":{i:" + instanceId + "}:bindings";
	}

	/**
	 * A participant's chat token bucket, shared by every instance; in its meeting's slot,
	 * so that the script that reads the sending side takes the token in the same step.
	 */
	public String chatRate(String meetingId, String participantId) {
		return meetingTag(meetingId) + "chat-rate:" + participantId;
	}

	/**
	 * What a switch ({@code switchId}) did to the meeting, kept so that repeating the
	 * step changes nothing and whoever finishes the switch can tell the step happened.
	 */
	public String switchMarker(String meetingId, String switchId) {
		return meetingTag(meetingId) + "switch:" + switchId;
	}

	/**
	 * Moves under way (switch ids), scored by when their owner's lease runs out; in one
	 * slot with the intents, so that recording, taking over and finishing are atomic.
	 */
	public String switchesPending() {
		return this.prefix + ":{sw}:pending";
	}

	/** A move under way: who moves from where to where, and who carries it out. */
	public String switchIntent(String switchId) {
		return this.prefix + ":{sw}:intent:" + switchId;
	}

	/**
	 * The pub/sub channel through which other instances reach this instance's STOMP
	 * sessions (a participant's user queues).
	 */
	public String instanceInbox(String instanceId) {
		return this.prefix + ":{i:" + instanceId + "}:inbox";
	}

	/** Index of all meetings, scored by creation time. */
	public String meetingIndex() {
		return this.prefix + ":meetings";
	}

}
