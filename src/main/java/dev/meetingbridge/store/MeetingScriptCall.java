package dev.meetingbridge.store;

import java.util.ArrayList;
import java.util.List;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.idempotency.Idempotency;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The keys and arguments of a meeting script, in the order {@code meeting-prelude.lua}
 * reads them: the prelude's own first, the script's own from {@code ARGV[5]}, then the
 * webhook schedule's, the idempotency record's and the deadline last.
 */
@Component
class MeetingScriptCall {

	private final RedisKeys keys;

	private final ScriptDeadlines deadlines;

	private final WebhookKeys webhookKeys;

	private final BridgeProperties properties;

	MeetingScriptCall(RedisKeys keys, ScriptDeadlines deadlines, WebhookKeys webhookKeys, BridgeProperties properties) {
		this.keys = keys;
		this.deadlines = deadlines;
		this.webhookKeys = webhookKeys;
		this.properties = properties;
	}

	/**
	 * The arguments; the script must not start after {@code notAfter} (Redis time in
	 * milliseconds) nor after the deadline of a call to Redis started now.
	 */
	List<String> arguments(String meetingId, String timestamp, @Nullable Idempotency idempotency, long notAfter,
			String... args) {
		List<String> argv = new ArrayList<>(9 + args.length);
		argv.add(meetingId);
		argv.add(this.keys.eventChannel(meetingId));
		argv.add(Integer.toString(this.properties.history().maxEvents()));
		argv.add(timestamp);
		argv.addAll(List.of(args));
		argv.addAll(this.webhookKeys.recordingArguments(meetingId));
		// Last, so that every script keeps its own arguments at ARGV 5 and on.
		argv.add((idempotency != null) ? idempotency.fingerprint() : "");
		argv.add(Long.toString(this.properties.idempotency().ttl().toMillis()));
		argv.add(Long.toString(Math.min(notAfter, this.deadlines.deadline())));
		return argv;
	}

	/** The meeting's keys, the request's idempotency record, then the script's own. */
	List<String> keys(String meetingId, List<String> extraKeys, @Nullable Idempotency idempotency) {
		List<String> scriptKeys = this.keys.meetingScriptKeys(meetingId,
				(idempotency != null) ? idempotency.recordId() : null);
		if (!extraKeys.isEmpty()) {
			scriptKeys = new ArrayList<>(scriptKeys);
			scriptKeys.addAll(extraKeys);
		}
		return scriptKeys;
	}

}
