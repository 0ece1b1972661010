package dev.meetingbridge.stomp;

import java.security.Principal;
import java.util.Map;

import dev.meetingbridge.chat.ChatService;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.JoinResult;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.presence.PresenceService;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.problem.ProblemDetails;
import dev.meetingbridge.security.BridgePrincipal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.annotation.SendToUser;
import org.springframework.stereotype.Controller;

/**
 * The client SENDs: join, leave and chat, with the same rules and limits as REST. A refusal is
 * answered on the sender's {@code /user/queue/errors} and the session stays open.
 */
@Controller
class StompMessageController {

	private static final Logger logger = LoggerFactory.getLogger(StompMessageController.class);

	private final MeetingService meetings;

	private final ChatService chat;

	private final PresenceService presence;

	StompMessageController(MeetingService meetings, ChatService chat, PresenceService presence) {
		this.meetings = meetings;
		this.chat = chat;
		this.presence = presence;
	}

	/** {@code {"displayName"}}; server tokens also name {@code participantId}. */
	record JoinMessage(@Nullable String displayName, @Nullable String participantId) {
	}

	/** {@code {"message"}}; server tokens also name {@code senderId}. */
	record ChatSend(@Nullable String message, @Nullable String senderId) {
	}

	/** {@code {}}; server tokens name {@code participantId}. */
	record LeaveMessage(@Nullable String participantId) {
	}

	/** Joins, and binds the participant to this session (API.md section 4: presence). */
	@MessageMapping("/meetings/{meetingId}/join")
	void join(@DestinationVariable String meetingId, @Payload(required = false) @Nullable JoinMessage body,
			Principal user, @Header(SimpMessageHeaderAccessor.SESSION_ID_HEADER) String sessionId) {
		JoinMessage message = body != null ? body : new JoinMessage(null, null);
		MeetingId meeting = MeetingId.of(meetingId);
		JoinResult joined = this.meetings.join(principal(user), meeting, optional(message.participantId()),
				message.displayName());
		this.presence.bind(sessionId, meeting, ParticipantId.of(joined.participant().id()));
	}

	@MessageMapping("/meetings/{meetingId}/leave")
	void leave(@DestinationVariable String meetingId, @Payload(required = false) @Nullable LeaveMessage body,
			Principal user) {
		BridgePrincipal principal = principal(user);
		ParticipantId participantId = MeetingService.actingParticipant(principal, ParticipantId.FIELD,
				optional(body != null ? body.participantId() : null));
		this.meetings.leave(principal, MeetingId.of(meetingId), participantId);
	}

	@MessageMapping("/meetings/{meetingId}/connections/{connectionId}/chat-messages")
	void chat(@DestinationVariable String meetingId, @DestinationVariable String connectionId,
			@Payload(required = false) @Nullable ChatSend body, Principal user) {
		ChatSend message = body != null ? body : new ChatSend(null, null);
		this.chat.send(principal(user), MeetingId.of(meetingId), ConnectionId.of(connectionId), message.message(),
				message.senderId() == null ? null : ParticipantId.of("senderId", message.senderId()));
	}

	@MessageExceptionHandler(BridgeException.class)
	@SendToUser(destinations = "/queue/errors", broadcast = false)
	Map<String, Object> refused(BridgeException ex) {
		return ProblemDetails.asMap(ex);
	}

	@MessageExceptionHandler(MessageConversionException.class)
	@SendToUser(destinations = "/queue/errors", broadcast = false)
	Map<String, Object> unreadable(MessageConversionException ex) {
		return ProblemDetails.asMap(new BridgeException(Problem.MALFORMED_JSON, "The body is not the expected JSON"));
	}

	@MessageExceptionHandler(DataAccessException.class)
	@SendToUser(destinations = "/queue/errors", broadcast = false)
	Map<String, Object> storeUnavailable(DataAccessException ex) {
		logger.warn("Redis failed during a STOMP SEND: {}", ex.getMessage());
		return ProblemDetails.asMap(new BridgeException(Problem.STORE_UNAVAILABLE, "The store is unavailable; retry shortly"));
	}

	private static @Nullable ParticipantId optional(@Nullable String participantId) {
		return participantId == null ? null : ParticipantId.of(participantId);
	}

	private static BridgePrincipal principal(Principal user) {
		if (user instanceof BridgePrincipal principal) {
			return principal;
		}
		throw new BridgeException(Problem.UNAUTHENTICATED, "CONNECT with a token first");
	}

}
