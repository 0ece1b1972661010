package dev.meetingbridge.store;

/** The Lua scripts that read or change one meeting, each in {@code redis/<name>.lua}. */
public enum MeetingScript {

	CREATE_MEETING("create-meeting"), JOIN("join"), LEAVE("leave"), END_MEETING("end-meeting"),
	FINISH_END("finish-end"), CONNECTION_OPEN("connection-open"), CONNECTION_CLOSE("connection-close"), CHAT("chat"),
	CHAT_SENDER("chat-sender"), READ_MEETING("read-meeting"), HISTORY("history"), PRESENCE_BIND("presence-bind"),
	PRESENCE_AWAY("presence-away"), PRESENCE_DEPART("presence-depart");

	private final String fileName;

	MeetingScript(String fileName) {
		this.fileName = fileName;
	}

	String fileName() {
		return this.fileName;
	}

}
