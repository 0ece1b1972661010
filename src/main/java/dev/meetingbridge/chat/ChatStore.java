package dev.meetingbridge.chat;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.ScriptResult;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Chat in Redis: a message is one meeting script on the receiving meeting, which records
 * and publishes it.
 */
@Component
class ChatStore {

	private final MeetingScripts scripts;

	private final JsonMapper json;

	ChatStore(MeetingScripts scripts, JsonMapper json) {
		this.scripts = scripts;
		this.json = json;
	}

	String now() {
		return this.scripts.now();
	}

	/**
	 * Delivers the message to the meeting at the other end, or refuses (it ended, the
	 * connection closed).
	 */
	void deliver(MeetingId to, ChatMessage message) {
		ScriptResult result = this.scripts.run(MeetingScript.CHAT, to.value(), message.timestamp(),
				message.connectionId(), this.json.writeValueAsString(message));
		if (!result.ok()) {
			throw result.refusal().toException(to);
		}
	}

}
