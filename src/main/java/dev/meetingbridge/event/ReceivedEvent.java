package dev.meetingbridge.event;

/** An event as it arrived from Redis: parsed for routing, and its JSON to forward unchanged. */
public record ReceivedEvent(BridgeEvent event, EventType type, String json) {
}
