package dev.meetingbridge.chat;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.connection.ConnectionService;
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
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Every check of a chat message, in the order the refusals are reported, for the blocking
 * and the asynchronous path alike: the request's own before Redis is read, then those of
 * the sending side as one script read it.
 */
@Component
class ChatChecks {

	private final AccessRules access;

	private final ConnectionService connections;

	private final ChatRateLimit rateLimit;

	private final int maxLength;

	ChatChecks(AccessRules access, ConnectionService connections, ChatRateLimit rateLimit,
			BridgeProperties properties) {
		this.access = access;
		this.connections = connections;
		this.rateLimit = rateLimit;
		this.maxLength = properties.chat().maxLength();
	}

	/**
	 * The request's text and sender, and whether the token alone lets the sender chat.
	 */
	Draft draft(BridgePrincipal principal, MeetingId meetingId, @Nullable String message,
			@Nullable ParticipantId senderId) {
		ChatText text = ChatText.of(message, this.maxLength);
		ParticipantId sender = MeetingService.actingParticipant(principal, "senderId", senderId);
		return new Draft(meetingId, sender, text,
				this.access.tokenAllowsChat(principal, meetingId.value(), sender.value()));
	}

	/**
	 * The message, once the sending side allows it: the meeting is active, the sender a
	 * member the token may chat as, the connection open to an active meeting, and the
	 * sender had a chat token. Refusing a closed connection reads Redis (has the other
	 * meeting ended?): the caller runs this where it may block when
	 * {@code side.connection()} is not open.
	 */
	ChatMessage message(BridgePrincipal principal, ConnectionId connectionId, Draft draft, ChatStore.SenderSide side,
			String timestamp) {
		MeetingId meetingId = draft.meetingId();
		MeetingStatus.requireActive(meetingId, side.status());
		this.access.requireChat(principal, meetingId.value(), draft.sender().value(), () -> side.sender() != null);
		Participant from = side.sender();
		if (from == null) {
			throw BridgeException.forbidden("Sender " + draft.sender() + " is not a member of meeting " + meetingId);
		}
		MeetingId to = this.connections.requireOpenOther(side.connection());
		this.rateLimit.refuseIfWaiting(draft.sender(), side.tokenWait());
		if (side.tokenWait() < 0) {
			throw new IllegalStateException("The sending side's script took no chat token for a message it allows");
		}
		return new ChatMessage(IdFormat.opaque("m_"), connectionId.value(), meetingId.value(), to.value(),
				new ChatMessage.Sender(from.id(), from.displayName()), draft.text().value(), timestamp);
	}

	/** A chat request as it reads before Redis is asked. */
	record Draft(MeetingId meetingId, ParticipantId sender, ChatText text, boolean tokenAllows) {
	}

}
