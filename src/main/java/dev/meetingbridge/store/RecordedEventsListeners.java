package dev.meetingbridge.store;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** Tells the {@link RecordedEvents} listeners what a meeting script published. */
@Component
class RecordedEventsListeners {

	private static final Logger logger = LoggerFactory.getLogger(RecordedEventsListeners.class);

	private final ObjectProvider<RecordedEvents> provider;

	/** Resolved on first use: the listeners themselves run scripts. */
	private volatile @Nullable List<RecordedEvents> listeners;

	RecordedEventsListeners(ObjectProvider<RecordedEvents> provider) {
		this.provider = provider;
	}

	/**
	 * Tells every listener. The change is made and its events scheduled, so a listener
	 * that fails cannot undo the answer; listeners must not block, since on the
	 * asynchronous path this runs on an event loop (the server's or the Redis client's).
	 */
	void recorded(String meetingId, List<?> eventTypes) {
		if (eventTypes.isEmpty()) {
			return;
		}
		List<RecordedEvents> told = this.listeners;
		if (told == null) {
			told = this.provider.orderedStream().toList();
			this.listeners = told;
		}
		for (RecordedEvents listener : told) {
			try {
				listener.recorded(meetingId, eventTypes);
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of the events of {} failed", meetingId, ex);
			}
		}
	}

}
