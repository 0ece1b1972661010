package dev.meetingbridge.event;

import java.util.NoSuchElementException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Reads an event as Redis carries it (published or recorded in the history): parsed for
 * routing, its JSON kept to be forwarded unchanged.
 */
@Component
class EventJson {

	private static final Logger logger = LoggerFactory.getLogger(EventJson.class);

	private final JsonMapper json;

	EventJson(JsonMapper json) {
		this.json = json;
	}

	/** The event, received now; null when it is not an event of a known type. */
	@Nullable ReceivedEvent read(String message) {
		try {
			BridgeEvent event = this.json.readValue(message, BridgeEvent.class);
			EventType type = EventType.of(event.type()).orElseThrow();
			return new ReceivedEvent(event, type, message, System.nanoTime());
		}
		catch (JacksonException | NoSuchElementException ex) {
			logger.debug("Unreadable event: {}", ex.getMessage());
			return null;
		}
	}

}
