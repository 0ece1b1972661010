package dev.meetingbridge.meeting;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Recorded events of one meeting, oldest first, with the newest sequence number and the
 * epoch they belong to.
 */
public record EventHistory(List<JsonNode> events, long latestSequence, String epoch) {
}
