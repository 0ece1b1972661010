package dev.meetingbridge.event;

/**
 * An event as it arrived from Redis: parsed for routing, its JSON to forward unchanged,
 * and when it arrived ({@link System#nanoTime()}), to measure the local fan-out.
 */
public record ReceivedEvent(BridgeEvent event, EventType type, String json, long receivedAt) {
}
