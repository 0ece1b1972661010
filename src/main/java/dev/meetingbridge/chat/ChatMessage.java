package dev.meetingbridge.chat;

/**
 * A chat message sent over a connection, from a member of one meeting to the other
 * meeting.
 */
public record ChatMessage(String id, String connectionId, String fromMeetingId, String toMeetingId, Sender sender,
		String message, String timestamp) {

	/** Who sent a chat message. */
	public record Sender(String id, String displayName) {
	}

}
