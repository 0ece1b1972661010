package dev.meetingbridge.stomp;

import dev.meetingbridge.chat.ChatService;
import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.idempotency.Replayed;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.presence.PresenceService;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.security.BridgePrincipal;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The client SENDs: join, leave and chat, with the same rules and limits as REST. A
 * refusal is thrown as a {@link BridgeException}, which the protocol answers on the
 * sender's error queue.
 */
@Component
class StompSends {

	private final MeetingService meetings;

	private final ChatService chat;

	private final PresenceService presence;

	private final JsonMapper json;

	StompSends(MeetingService meetings, ChatService chat, PresenceService presence, JsonMapper json) {
		this.meetings = meetings;
		this.chat = chat;
		this.presence = presence;
		this.json = json;
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

	/**
	 * Carries out a SEND; a repeat of one with the same {@code idempotency-key} header
	 * whose effect is kept does nothing more (a repeated join still binds this session).
	 */
	void handle(StompSession session, BridgePrincipal principal, @Nullable String destination, byte[] body,
			@Nullable String idempotencyKey) {
		StompDestinations.Send send = StompDestinations.send(destination)
			.orElseThrow(
					() -> new BridgeException(Problem.UNKNOWN_DESTINATION, "Nothing handles SEND to " + destination));
		MeetingId meetingId = send.meetingId();
		try {
			switch (send.action()) {
				case JOIN -> {
					JoinMessage message = read(body, JoinMessage.class, new JoinMessage(null, null));
					join(session, principal, meetingId, message,
							idempotency(idempotencyKey, principal, destination, message));
				}
				case LEAVE -> {
					LeaveMessage message = read(body, LeaveMessage.class, new LeaveMessage(null));
					ParticipantId participantId = MeetingService.actingParticipant(principal, ParticipantId.FIELD,
							participant(ParticipantId.FIELD, message.participantId()));
					this.meetings.leave(principal, meetingId, participantId,
							idempotency(idempotencyKey, principal, destination, message));
				}
				case CHAT -> {
					ConnectionId connectionId = IdFormat.present("connectionId", send.connectionId());
					ChatSend message = read(body, ChatSend.class, new ChatSend(null, null));
					this.chat.send(principal, meetingId, connectionId, message.message(),
							participant("senderId", message.senderId()),
							idempotency(idempotencyKey, principal, destination, message));
				}
			}
		}
		catch (Replayed replayed) {
			// Done before, with the same key: the SEND succeeds without a second effect.
		}
	}

	/**
	 * Joins and binds the participant to this session in one step: when the session ends,
	 * the participant leaves after the grace.
	 */
	private void join(StompSession session, BridgePrincipal principal, MeetingId meetingId, JoinMessage message,
			@Nullable Idempotency idempotency) {
		ParticipantId participantId = MeetingService.actingParticipant(principal, ParticipantId.FIELD,
				participant(ParticipantId.FIELD, message.participantId()));
		PresenceService.PendingBinding binding = this.presence.prepareBinding(session.id(), meetingId, participantId);
		try {
			this.meetings.join(principal, meetingId, participantId, message.displayName(), binding.owner(),
					idempotency);
		}
		catch (Replayed replayed) {
			this.presence.bound(binding);
			throw replayed;
		}
		catch (RuntimeException ex) {
			this.presence.abandon(binding);
			throw ex;
		}
		this.presence.bound(binding);
	}

	private @Nullable Idempotency idempotency(@Nullable String key, BridgePrincipal principal,
			@Nullable String destination, Object message) {
		return Idempotency.of(key, principal.subject(), "SEND", String.valueOf(destination),
				this.json.writeValueAsString(message));
	}

	private static @Nullable ParticipantId participant(String field, @Nullable String value) {
		return (value != null) ? ParticipantId.of(field, value) : null;
	}

	/** The JSON body, or {@code empty} when there is none. */
	private <T> T read(byte[] body, Class<T> type, T empty) {
		if (body.length == 0) {
			return empty;
		}
		try {
			T value = this.json.readValue(body, type);
			return (value != null) ? value : empty;
		}
		catch (JacksonException ex) {
			throw new BridgeException(Problem.MALFORMED_JSON, "The body is not the expected JSON");
		}
	}

}
