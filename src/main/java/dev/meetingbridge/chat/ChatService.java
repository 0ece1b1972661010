package dev.meetingbridge.chat;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.connection.ConnectionService;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.meeting.Participant;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
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

	private final int maxLength;

	ChatService(ConnectionService connections, MeetingService meetings, AccessRules access, ChatRateLimit rateLimit,
			ChatStore store, BridgeProperties properties) {
		this.connections = connections;
		this.meetings = meetings;
		this.access = access;
		this.rateLimit = rateLimit;
		this.store = store;
		this.maxLength = properties.chat().maxLength();
	}

	public ChatMessage send(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			@Nullable String message, @Nullable ParticipantId senderId) {
		ChatText text = ChatText.of(message, this.maxLength);
		ParticipantId sender = MeetingService.actingParticipant(principal, "senderId", senderId);
		// Everything the sending meeting holds for the checks below, read at once.
		ChatStore.SenderSide side = this.store.senderSide(meetingId, sender, connectionId);
		MeetingService.requireActive(meetingId, side.status());
		this.access.requireChat(principal, meetingId.value(), sender.value(), () -> side.sender() != null);
		Participant from = side.sender();
		if (from == null) {
			throw BridgeException.forbidden("Sender " + sender + " is not a member of meeting " + meetingId);
		}
		MeetingId to = this.connections.requireOpenOther(meetingId, connectionId, side.connectionRecord(),
				side.connectionOpen());
		this.rateLimit.take(sender);
		ChatMessage chat = new ChatMessage(IdFormat.opaque("m_"), connectionId.value(), meetingId.value(), to.value(),
				new ChatMessage.Sender(from.id(), from.displayName()), text.value(), this.store.now());
		this.store.deliver(to, chat);
		return chat;
	}

}
