package dev.meetingbridge.store;

/**
 * The Lua scripts that read or change one meeting, each in {@code redis/<name>.lua}, and
 * whether it changes state (with {@code bridge.redis.replica-acks}, a change is
 * acknowledged only once replicas have it).
 */
public enum MeetingScript {

	CREATE_MEETING("create-meeting", true), JOIN("join", true), LEAVE("leave", true), END_MEETING("end-meeting", true),
	FINISH_END("finish-end", true), CONNECTION_OPEN("connection-open", true),
	CONNECTION_CLOSE("connection-close", true), CHAT("chat", true), CHAT_SENDER("chat-sender", false),
	READ_MEETING("read-meeting", false), HISTORY("history", false), EPOCH_RESET("epoch-reset", true),
	PRESENCE_AWAY("presence-away", true), PRESENCE_DEPART("presence-depart", true), SWITCH_LEAVE("switch-leave", true),
	SWITCH_JOIN("switch-join", true), WEBHOOK_CLAIM("webhook-claim", false), WEBHOOK_ACK("webhook-ack", true),
	WEBHOOK_RETRY("webhook-retry", true), WEBHOOK_RELEASE("webhook-release", true);

	private final String fileName;

	private final boolean changes;

	MeetingScript(String fileName, boolean changes) {
		this.fileName = fileName;
		this.changes = changes;
	}

	String fileName() {
		return this.fileName;
	}

	boolean changes() {
		return this.changes;
	}

}
