package dev.meetingbridge.stomp;

import java.security.Principal;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.ProblemDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.stereotype.Component;

/** Answers a refused SEND on the sender's {@code /user/queue/errors}; the session stays open. */
@Component
class StompErrorReplies {

	private final ObjectProvider<SimpMessagingTemplate> template;

	StompErrorReplies(ObjectProvider<SimpMessagingTemplate> template) {
		this.template = template;
	}

	void send(@Nullable String sessionId, @Nullable Principal user, BridgeException ex) {
		if (sessionId == null || user == null) {
			return;
		}
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		headers.setSessionId(sessionId);
		headers.setLeaveMutable(true);
		this.template.getObject()
			.convertAndSendToUser(user.getName(), "/queue/errors", ProblemDetails.asMap(ex), headers.getMessageHeaders());
	}

}
