package dev.meetingbridge.chat;

import java.util.List;
import java.util.Optional;

import dev.meetingbridge.connection.ConnectionService;
import dev.meetingbridge.connection.ConnectionSide;
import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.idempotency.Replayed;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.MeetingStatus;
import dev.meetingbridge.meeting.Participant;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.ScriptResult;
import dev.meetingbridge.store.StoreAccess;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Chat in Redis, two meeting scripts a message: one reads the sending meeting's side of
 * it and takes the sender's chat token, the other records and publishes it on the
 * receiving meeting. Each runs blocking or without waiting for Redis, with the same
 * arguments and the same reading of its answer.
 */
@Component
class ChatStore {

	private final MeetingScripts scripts;

	private final JsonMapper json;

	private final ChatRateLimit rateLimit;

	private final ConnectionService connections;

	ChatStore(StoreAccess store, ChatRateLimit rateLimit, ConnectionService connections) {
		this.scripts = store.scripts();
		this.json = store.json();
		this.rateLimit = rateLimit;
		this.connections = connections;
	}

	/**
	 * Whether messages may go without waiting for Redis
	 * ({@link MeetingScripts#reactive}).
	 */
	boolean reactive() {
		return this.scripts.reactive();
	}

	/**
	 * What the sending meeting holds for a chat message over the connection, read in one
	 * step. When the caller's token allows the chat and the meeting's side does too, the
	 * same step takes a token of the sender's chat rate.
	 */
	SenderSide senderSide(MeetingId meetingId, ParticipantId senderId, ConnectionId connectionId, boolean tokenAllows) {
		return senderSide(meetingId, connectionId,
				this.scripts.run(MeetingScript.CHAT_SENDER, meetingId.value(),
						List.of(this.rateLimit.bucket(meetingId, senderId)), "", null,
						senderArguments(senderId, connectionId, tokenAllows)));
	}

	/** {@link #senderSide}, without waiting for Redis. */
	Mono<SenderSide> senderSideReactive(MeetingId meetingId, ParticipantId senderId, ConnectionId connectionId,
			boolean tokenAllows) {
		return this.scripts
			.runReactive(MeetingScript.CHAT_SENDER, meetingId.value(),
					List.of(this.rateLimit.bucket(meetingId, senderId)), "", null,
					senderArguments(senderId, connectionId, tokenAllows))
			.map((result) -> senderSide(meetingId, connectionId, result));
	}

	private String[] senderArguments(ParticipantId senderId, ConnectionId connectionId, boolean tokenAllows) {
		return new String[] { senderId.value(), connectionId.value(), tokenAllows ? "1" : "0",
				this.rateLimit.ratePerSecond(), this.rateLimit.burst() };
	}

	private SenderSide senderSide(MeetingId meetingId, ConnectionId connectionId, ScriptResult result) {
		if (!result.ok()) {
			throw result.refusal().toException(meetingId);
		}
		String participant = result.string(2);
		return new SenderSide(MeetingStatus.read(result.string(1)),
				(participant != null) ? this.json.readValue(participant, Participant.class) : null,
				this.connections.side(meetingId, connectionId, (List<?>) result.values().get(3)), result.number(4));
	}

	/**
	 * The sending meeting's status (empty when it does not exist), the sender when it is
	 * a member, the connection's side, and the wait for a chat token in milliseconds (0:
	 * one was taken; -1: none was asked for).
	 */
	record SenderSide(Optional<MeetingStatus> status, @Nullable Participant sender, ConnectionSide connection,
			long tokenWait) {
	}

	/**
	 * Delivers the message to the meeting at the other end, or refuses (it ended, the
	 * connection closed); a message that does not go (refused, or a repeat answered as
	 * the first was) gives its token back.
	 */
	void deliver(ChatMessage message, @Nullable Idempotency idempotency) {
		try {
			delivered(this.scripts.run(MeetingScript.CHAT, message.toMeetingId(), message.timestamp(), idempotency,
					message.connectionId(), this.json.writeValueAsString(message)), message);
		}
		catch (BridgeException | Replayed notSent) {
			giveBack(message);
			throw notSent;
		}
	}

	/**
	 * {@link #deliver} for a message without an {@code Idempotency-Key}, without waiting
	 * for Redis.
	 */
	Mono<Void> deliverReactive(ChatMessage message) {
		return this.scripts
			.runReactive(MeetingScript.CHAT, message.toMeetingId(), message.timestamp(), null, message.connectionId(),
					this.json.writeValueAsString(message))
			.map((result) -> delivered(result, message))
			// Giving the token back waits for Redis: not on an event loop.
			.onErrorResume(BridgeException.class,
					(refused) -> Mono.fromRunnable(() -> giveBack(message))
						.subscribeOn(Schedulers.boundedElastic())
						.then(Mono.error(refused)))
			.then();
	}

	private static ScriptResult delivered(ScriptResult result, ChatMessage message) {
		if (!result.ok()) {
			throw result.refusal().toException(new MeetingId(message.toMeetingId()));
		}
		return result;
	}

	private void giveBack(ChatMessage message) {
		this.rateLimit.giveBack(new MeetingId(message.fromMeetingId()), new ParticipantId(message.sender().id()));
	}

}
