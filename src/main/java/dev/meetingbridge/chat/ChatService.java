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
import dev.meetingbridge.meeting.Participant;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.IdempotencyRecords;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Chat over a connection: a member of one meeting sends, and only the other meeting's
 * {@code chat-message} topic carries it.
 */
@Service
public class ChatService {

	private final ConnectionService connections;

	private final MeetingService meetings;

	private final AccessRules access;

	private final ChatRateLimit rateLimit;

	private final ChatStore store;

	private final IdempotencyRecords records;

	private final int maxLength;

	ChatService(ConnectionService connections, MeetingService meetings, AccessRules access, ChatRateLimit rateLimit,
			ChatStore store, IdempotencyRecords records, BridgeProperties properties) {
		this.connections = connections;
		this.meetings = meetings;
		this.access = access;
		this.rateLimit = rateLimit;
		this.store = store;
		this.records = records;
		this.maxLength = properties.chat().maxLength();
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
			MeetingService.requireActive(meetingId, side.status());
			this.access.requireChat(principal, meetingId.value(), sender.value(), () -> side.sender() != null);
			from = side.sender();
			if (from == null) {
				throw BridgeException.forbidden("Sender " + sender + " is not a member of meeting " + meetingId);
			}
			to = this.connections.requireOpenOther(meetingId, connectionId, side.connectionRecord(),
					side.connectionOpen());
			this.rateLimit.refuseIfWaiting(sender, side.tokenWait());
			if (side.tokenWait() < 0) {
				throw new IllegalStateException("The sending side's script took no chat token for a message it allows");
			}
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
