package dev.meetingbridge.event;

import java.util.Optional;

/** The six event types, each with its own topic per meeting. */
public enum EventType {

	PARTICIPANT_JOINED("participant-joined"), PARTICIPANT_LEFT("participant-left"), CHAT_MESSAGE("chat-message"),
	CONNECTION_OPEN("connection-open"), CONNECTION_CLOSE("connection-close"), MEETING_ENDED("meeting-ended");

	private final String wireName;

	EventType(String wireName) {
		this.wireName = wireName;
	}

	public String wireName() {
		return this.wireName;
	}

	public static Optional<EventType> of(String wireName) {
		for (EventType type : values()) {
			if (type.wireName.equals(wireName)) {
				return Optional.of(type);
			}
		}
		return Optional.empty();
	}

	/** The STOMP destination of this type's topic for a meeting. */
	public String topic(String meetingId) {
		return "/topic/meetings/" + meetingId + "/" + this.wireName;
	}

}
