package dev.meetingbridge.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.meetingbridge.chat.ChatMessage;
import dev.meetingbridge.connection.Connection;
import dev.meetingbridge.connection.ConnectionCloseReason;
import dev.meetingbridge.meeting.EndedBy;
import dev.meetingbridge.meeting.LeaveReason;
import dev.meetingbridge.meeting.Participant;
import org.jspecify.annotations.Nullable;

/**
 * Every event of a meeting, one record per type, with the contract's JSON field names.
 * The Redis scripts write these documents; instances read them back to route and
 * authorise.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type",
		visible = true)
@JsonSubTypes({ @JsonSubTypes.Type(value = BridgeEvent.ParticipantJoined.class, name = "participant-joined"),
		@JsonSubTypes.Type(value = BridgeEvent.ParticipantLeft.class, name = "participant-left"),
		@JsonSubTypes.Type(value = BridgeEvent.ChatMessageSent.class, name = "chat-message"),
		@JsonSubTypes.Type(value = BridgeEvent.ConnectionOpened.class, name = "connection-open"),
		@JsonSubTypes.Type(value = BridgeEvent.ConnectionClosed.class, name = "connection-close"),
		@JsonSubTypes.Type(value = BridgeEvent.MeetingEnded.class, name = "meeting-ended") })
public sealed interface BridgeEvent {

	String type();

	/** The meeting whose topic carries the event. */
	String meetingId();

	/**
	 * Names the meeting's history: {@code (epoch, sequence)} names one event. Changes
	 * when the history may have gone back (Redis lost acknowledged writes).
	 */
	String epoch();

	/** Per meeting, from 1, one more for each event of the meeting. */
	long sequence();

	String timestamp();

	/** {@code from}: the meeting a switch moved the participant from. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ParticipantJoined(String type, String meetingId, String epoch, long sequence, String timestamp,
			Participant participant, @Nullable String from) implements BridgeEvent {
	}

	/** {@code to}: the meeting a switch moved the participant to. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ParticipantLeft(String type, String meetingId, String epoch, long sequence, String timestamp,
			Participant participant, LeaveReason reason, @Nullable String to) implements BridgeEvent {
	}

	record ChatMessageSent(String type, String meetingId, String epoch, long sequence, String timestamp,
			ChatMessage message) implements BridgeEvent {
	}

	record ConnectionOpened(String type, String meetingId, String epoch, long sequence, String timestamp,
			Connection connection) implements BridgeEvent {
	}

	record ConnectionClosed(String type, String meetingId, String epoch, long sequence, String timestamp,
			String connectionId, ConnectionCloseReason reason) implements BridgeEvent {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record MeetingEnded(String type, String meetingId, String epoch, long sequence, String timestamp,
			@Nullable EndedBy endedBy) implements BridgeEvent {
	}

}
