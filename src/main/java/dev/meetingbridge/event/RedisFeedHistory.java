package dev.meetingbridge.event;

import java.util.ArrayList;
import java.util.List;

import dev.meetingbridge.store.Epochs;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.Refusal;
import dev.meetingbridge.store.ScriptResult;

import org.springframework.stereotype.Component;

/** A meeting's history as its scripts keep it in Redis. */
@Component
class RedisFeedHistory implements FeedHistory {

	private final MeetingScripts scripts;

	private final EventJson json;

	RedisFeedHistory(MeetingScripts scripts, EventJson json) {
		this.scripts = scripts;
		this.json = json;
	}

	@Override
	public Page after(String meetingId, long after, int limit) {
		ScriptResult result = this.scripts.run(MeetingScript.HISTORY, meetingId, "", Long.toString(after),
				Integer.toString(limit));
		if (!result.ok()) {
			return Page.gone();
		}
		List<ReceivedEvent> events = new ArrayList<>();
		for (String recorded : result.list(2)) {
			ReceivedEvent event = this.json.read(recorded);
			if (event != null) {
				events.add(event);
			}
		}
		return new Page(true, result.number(1), result.string(3), events);
	}

	@Override
	public Page resetEpoch(String meetingId, String seen) {
		ScriptResult result = this.scripts.run(MeetingScript.EPOCH_RESET, meetingId, "", seen, Epochs.next());
		if (!result.ok() && result.refusal() != Refusal.MOVED) {
			return Page.gone();
		}
		return new Page(true, result.number(2), result.string(1), List.of());
	}

}
