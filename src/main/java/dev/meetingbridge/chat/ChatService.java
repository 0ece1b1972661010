package dev.meetingbridge.chat;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.connection.ConnectionService;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.meeting.MeetingStore;
import dev.meetingbridge.meeting.Participant;
import java.time.Duration;
import java.util.List;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.security.AccessRules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.ScriptResult;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * Chat over a connection: a member of one meeting sends, and only the other meeting's
 * {@code chat-message} topic carries it.
 */
@Service
public class ChatService {

	private final ConnectionService connections;

	private final MeetingService meetingService;

	private final MeetingStore meetings;

	private final AccessRules access;

	private final MeetingScripts scripts;

	private final JsonMapper json;

	private final int maxLength;

	private final int ratePerSecond;

	private final int burst;

	private final Counter rateLimited;

	ChatService(ConnectionService connections, MeetingService meetingService, MeetingStore meetings,
			AccessRules access, MeetingScripts scripts, JsonMapper json, BridgeProperties properties,
			MeterRegistry meters) {
		this.connections = connections;
		this.meetingService = meetingService;
		this.meetings = meetings;
		this.access = access;
		this.scripts = scripts;
		this.json = json;
		this.maxLength = properties.chat().maxLength();
		this.ratePerSecond = properties.chat().ratePerSecond();
		this.burst = properties.chat().burst();
		this.rateLimited = Counter.builder("bridge.chat.rate.limited")
			.description("Chat messages refused by the per-participant rate limit")
			.register(meters);
	}

	public ChatMessage send(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			@Nullable String message, @Nullable ParticipantId senderId) {
		ChatText text = ChatText.of(message, this.maxLength);
		ParticipantId sender = MeetingService.actingParticipant(principal, "senderId", senderId);
		this.meetingService.requireActive(meetingId);
		this.access.requireChat(principal, meetingId.value(), sender.value());
		Participant from = this.meetings.participant(meetingId, sender)
			.orElseThrow(() -> BridgeException.forbidden("Sender " + sender + " is not a member of meeting " + meetingId));
		MeetingId to = this.connections.requireOpenOther(meetingId, connectionId);
		long waitMillis = this.scripts.takeChatToken(sender.value(), this.ratePerSecond, this.burst);
		if (waitMillis > 0) {
			this.rateLimited.increment();
			throw new BridgeException(Problem.RATE_LIMITED, "Participant " + sender + " is sending chat too fast",
					List.of(), Duration.ofMillis(waitMillis));
		}
		String now = this.scripts.now();
		ChatMessage chat = new ChatMessage(IdFormat.opaque("m_"), connectionId.value(), meetingId.value(),
				to.value(), new ChatMessage.Sender(from.id(), from.displayName()), text.value(), now);
		ScriptResult result = this.scripts.run(MeetingScript.CHAT, to.value(), now, connectionId.value(),
				this.json.writeValueAsString(chat));
		if (!result.ok()) {
			throw result.refusal().toException(to);
		}
		return chat;
	}

}
