package dev.meetingbridge.chat;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.IdempotencyRecords;
import dev.meetingbridge.store.Timestamps;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Service;

/**
 * Chat over a connection: a member of one meeting sends, and only the other meeting's
 * {@code chat-message} topic carries it. A message is two steps on Redis: the sending
 * side's read (which takes the sender's chat token), then the message on the receiving
 * meeting.
 */
@Service
public class ChatService {

	private final ChatChecks checks;

	private final ChatStore store;

	private final IdempotencyRecords records;

	private final Timestamps timestamps;

	ChatService(ChatChecks checks, ChatStore store, IdempotencyRecords records, Timestamps timestamps) {
		this.checks = checks;
		this.store = store;
		this.records = records;
		this.timestamps = timestamps;
	}

	/**
	 * {@link #send} for a message without an {@code Idempotency-Key}, without waiting for
	 * Redis (the same scripts and checks); null when it must take the blocking path
	 * (every change waits for replicas).
	 */
	public @Nullable Mono<ChatMessage> sendReactive(BridgePrincipal principal, MeetingId meetingId,
			ConnectionId connectionId, @Nullable String message, @Nullable ParticipantId senderId) {
		if (!this.store.reactive()) {
			return null;
		}
		ChatChecks.Draft draft = this.checks.draft(principal, meetingId, message, senderId);
		return this.store.senderSideReactive(meetingId, draft.sender(), connectionId, draft.tokenAllows())
			.flatMap((side) -> {
				Mono<ChatMessage> checked = Mono.fromCallable(
						() -> this.checks.message(principal, connectionId, draft, side, this.timestamps.now()));
				// This runs on an event loop, where refusing a closed connection
				// (which reads Redis) must not.
				return side.connection().open() ? checked : checked.subscribeOn(Schedulers.boundedElastic());
			})
			.flatMap((chat) -> this.store.deliverReactive(chat).thenReturn(chat));
	}

	/**
	 * Sends the message to the meeting at the other end of the connection. With an
	 * {@code Idempotency-Key}, a repeat gets the first answer (the same message) and
	 * spends no rate-limit token; the answer is kept by the script that publishes the
	 * message, on the receiving meeting.
	 */
	public ChatMessage send(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			@Nullable String message, @Nullable ParticipantId senderId, @Nullable Idempotency idempotency) {
		ChatChecks.Draft draft = this.checks.draft(principal, meetingId, message, senderId);
		ChatStore.SenderSide side = this.store.senderSide(meetingId, draft.sender(), connectionId, draft.tokenAllows());
		ChatMessage chat;
		try {
			chat = this.checks.message(principal, connectionId, draft, side, this.timestamps.now());
		}
		catch (BridgeException refused) {
			// A repeat of a message that went out gets its answer whatever has changed
			// since (the first attempt passed these checks).
			if (idempotency != null) {
				side.connection()
					.otherMeeting()
					.ifPresent((other) -> this.records.replayIfKept(this.records.onMeeting(other.value(), idempotency),
							idempotency));
			}
			throw refused;
		}
		this.store.deliver(chat, idempotency);
		return chat;
	}

}
