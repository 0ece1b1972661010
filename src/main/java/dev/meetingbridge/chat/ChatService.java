package dev.meetingbridge.chat;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.connection.ConnectionService;
import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.idempotency.Replayed;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.meeting.MeetingStatus;
import dev.meetingbridge.meeting.Participant;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.IdempotencyRecords;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Service;

/**
 * Chat over a connection: a member of one meeting sends, and only the other meeting's
 * {@code chat-message} topic carries it.
 */
@Service
public class ChatService {

	private final ConnectionService connections;

	private final AccessRules access;

	private final ChatRateLimit rateLimit;

	private final ChatStore store;

	private final IdempotencyRecords records;

	private final int maxLength;

	ChatService(ConnectionService connections, AccessRules access, ChatRateLimit rateLimit, ChatStore store,
			IdempotencyRecords records, BridgeProperties properties) {
		this.connections = connections;
		this.access = access;
		this.rateLimit = rateLimit;
		this.store = store;
		this.records = records;
		this.maxLength = properties.chat().maxLength();
	}

	/**
	 * {@link #send} for a message without an {@code Idempotency-Key}, without waiting for
	 * Redis (the same two scripts and checks); null when it must take the blocking path
	 * (every change waits for replicas).
	 */
	public @Nullable Mono<ChatMessage> sendReactive(BridgePrincipal principal, MeetingId meetingId,
			ConnectionId connectionId, @Nullable String message, @Nullable ParticipantId senderId) {
		if (!this.store.reactive()) {
			return null;
		}
		ChatText text = ChatText.of(message, this.maxLength);
		ParticipantId sender = MeetingService.actingParticipant(principal, "senderId", senderId);
		return this.store
			.senderSideReactive(meetingId, sender, connectionId,
					this.access.tokenAllowsChat(principal, meetingId.value(), sender.value()))
			.flatMap((side) -> {
				if (!side.connectionOpen()) {
					// The refusal reads Redis (has the other side ended?): not on the
					// Redis
					// client's own thread, which is where this runs.
					return Mono.<ChatMessage>fromCallable(() -> {
						requireSender(principal, meetingId, sender, side);
						this.connections.requireOpenOther(meetingId, connectionId, side.connectionRecord(), false);
						throw new IllegalStateException("A closed connection passed the checks");
					}).subscribeOn(Schedulers.boundedElastic());
				}
				Participant from = requireSender(principal, meetingId, sender, side);
				MeetingId to = this.connections.requireOpenOther(meetingId, connectionId, side.connectionRecord(),
						true);
				requireToken(sender, side);
				ChatMessage chat = new ChatMessage(IdFormat.opaque("m_"), connectionId.value(), meetingId.value(),
						to.value(), new ChatMessage.Sender(from.id(), from.displayName()), text.value(),
						this.store.now());
				// A message the receiving meeting refuses spends no token.
				return this.store.deliverReactive(to, chat)
					.onErrorResume(BridgeException.class,
							(refused) -> Mono.fromRunnable(() -> this.rateLimit.giveBack(meetingId, sender))
								.subscribeOn(Schedulers.boundedElastic())
								.then(Mono.error(refused)))
					.thenReturn(chat);
			});
	}

	private Participant requireSender(BridgePrincipal principal, MeetingId meetingId, ParticipantId sender,
			ChatStore.SenderSide side) {
		MeetingStatus.requireActive(meetingId, side.status());
		this.access.requireChat(principal, meetingId.value(), sender.value(), () -> side.sender() != null);
		Participant from = side.sender();
		if (from == null) {
			throw BridgeException.forbidden("Sender " + sender + " is not a member of meeting " + meetingId);
		}
		return from;
	}

	private void requireToken(ParticipantId sender, ChatStore.SenderSide side) {
		this.rateLimit.refuseIfWaiting(sender, side.tokenWait());
		if (side.tokenWait() < 0) {
			throw new IllegalStateException("The sending side's script took no chat token for a message it allows");
		}
	}

	/**
	 * Sends the message to the meeting at the other end of the connection, in two steps
	 * on Redis: the sending side's checks with the sender's chat token, then the message
	 * on the receiving meeting. With an {@code Idempotency-Key}, a repeat gets the first
	 * answer (the same message) and spends no rate-limit token; the answer is kept by the
	 * script that publishes the message, on the receiving meeting.
	 */
	public ChatMessage send(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			@Nullable String message, @Nullable ParticipantId senderId, @Nullable Idempotency idempotency) {
		ChatText text = ChatText.of(message, this.maxLength);
		ParticipantId sender = MeetingService.actingParticipant(principal, "senderId", senderId);
		// Everything the sending meeting holds for the checks below, read at once, and
		// the
		// token taken when they will pass.
		ChatStore.SenderSide side = this.store.senderSide(meetingId, sender, connectionId,
				this.access.tokenAllowsChat(principal, meetingId.value(), sender.value()));
		Participant from;
		MeetingId to;
		try {
			from = requireSender(principal, meetingId, sender, side);
			to = this.connections.requireOpenOther(meetingId, connectionId, side.connectionRecord(),
					side.connectionOpen());
			requireToken(sender, side);
		}
		catch (BridgeException refused) {
			if (idempotency != null) {
				// A repeat of a message that went out gets its answer whatever has
				// changed
				// since (the first attempt passed these checks).
				this.connections.otherMeeting(side.connectionRecord())
					.ifPresent((other) -> this.records.replayIfKept(this.records.onMeeting(other.value(), idempotency),
							idempotency));
			}
			throw refused;
		}
		ChatMessage chat = new ChatMessage(IdFormat.opaque("m_"), connectionId.value(), meetingId.value(), to.value(),
				new ChatMessage.Sender(from.id(), from.displayName()), text.value(), this.store.now());
		try {
			this.store.deliver(to, chat, idempotency);
		}
		catch (BridgeException | Replayed notSent) {
			// A refused message and a repeat spend no token.
			this.rateLimit.giveBack(meetingId, sender);
			throw notSent;
		}
		return chat;
	}

}
