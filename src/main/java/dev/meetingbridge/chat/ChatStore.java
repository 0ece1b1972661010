package dev.meetingbridge.chat;

import java.util.List;
import java.util.Optional;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.MeetingStatus;
import dev.meetingbridge.meeting.Participant;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.ScriptResult;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Chat in Redis: a message is one meeting script on the receiving meeting, which records
 * and publishes it.
 */
@Component
class ChatStore {

	private final MeetingScripts scripts;

	private final JsonMapper json;

	private final ChatRateLimit rateLimit;

	ChatStore(MeetingScripts scripts, JsonMapper json, ChatRateLimit rateLimit) {
		this.scripts = scripts;
		this.json = json;
		this.rateLimit = rateLimit;
	}

	String now() {
		return this.scripts.now();
	}

	/**
	 * What the sending meeting holds for a chat message over the connection, read in one
	 * step: one round trip to Redis instead of one per check. When the caller's token
	 * allows the chat and the meeting's side does too, the same step takes a token of the
	 * sender's chat rate.
	 */
	SenderSide senderSide(MeetingId meetingId, ParticipantId senderId, ConnectionId connectionId, boolean tokenAllows) {
		return senderSide(meetingId, this.scripts.run(MeetingScript.CHAT_SENDER, meetingId.value(),
				List.of(this.rateLimit.bucket(meetingId, senderId)), "", null, senderId.value(), connectionId.value(),
				tokenAllows ? "1" : "0", this.rateLimit.ratePerSecond(), this.rateLimit.burst()));
	}

	/** {@link #senderSide}, without waiting for Redis. */
	Mono<SenderSide> senderSideReactive(MeetingId meetingId, ParticipantId senderId, ConnectionId connectionId,
			boolean tokenAllows) {
		return this.scripts.runReactive(MeetingScript.CHAT_SENDER, meetingId.value(),
				List.of(this.rateLimit.bucket(meetingId, senderId)), "", null, senderId.value(), connectionId.value(),
				tokenAllows ? "1" : "0", this.rateLimit.ratePerSecond(), this.rateLimit.burst())
			.map((result) -> senderSide(meetingId, result));
	}

	private SenderSide senderSide(MeetingId meetingId, ScriptResult result) {
		if (!result.ok()) {
			throw result.refusal().toException(meetingId);
		}
		String participant = result.string(2);
		return new SenderSide(MeetingStatus.read(result.string(1)),
				(participant != null) ? this.json.readValue(participant, Participant.class) : null, result.string(3),
				result.number(4) == 1, result.number(5));
	}

	/**
	 * The sending meeting's status (empty when it does not exist), the sender when it is
	 * a member, the connection's stored record (null when the meeting has none) and
	 * whether it is open, and the wait for a chat token in milliseconds (0: one was
	 * taken; -1: none was asked for).
	 */
	record SenderSide(Optional<MeetingStatus> status, @Nullable Participant sender, @Nullable String connectionRecord,
			boolean connectionOpen, long tokenWait) {
	}

	/**
	 * Delivers the message to the meeting at the other end, or refuses (it ended, the
	 * connection closed).
	 */
	/**
	 * {@link #deliver} for a message without an {@code Idempotency-Key}, without waiting
	 * for Redis.
	 */
	Mono<Void> deliverReactive(MeetingId to, ChatMessage message) {
		return this.scripts
			.runReactive(MeetingScript.CHAT, to.value(), message.timestamp(), null, message.connectionId(),
					this.json.writeValueAsString(message))
			.map((result) -> delivered(to, result))
			.then();
	}

	/**
	 * Whether messages may go without waiting for Redis
	 * ({@link MeetingScripts#reactive}).
	 */
	boolean reactive() {
		return this.scripts.reactive();
	}

	void deliver(MeetingId to, ChatMessage message, @Nullable Idempotency idempotency) {
		delivered(to, this.scripts.run(MeetingScript.CHAT, to.value(), message.timestamp(), idempotency,
				message.connectionId(), this.json.writeValueAsString(message)));
	}

	/** The chat script's answer, or its refusal thrown. */
	private static ScriptResult delivered(MeetingId to, ScriptResult result) {
		if (!result.ok()) {
			throw result.refusal().toException(to);
		}
		return result;
	}

}
