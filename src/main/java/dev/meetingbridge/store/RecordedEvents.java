package dev.meetingbridge.store;

import java.util.List;

/**
 * Told, on the recording instance, that a meeting script recorded events (after the
 * script, with the types it emitted): webhooks start delivering at once, not at their
 * next look at the schedule.
 */
@FunctionalInterface
public interface RecordedEvents {

	void recorded(String meetingId, List<?> eventTypes);

}
