package dev.meetingbridge.meeting;

import java.util.List;

import tools.jackson.databind.JsonNode;

/** Recorded events of one meeting, oldest first, with the newest sequence number. */
public record EventHistory(List<JsonNode> events, long latestSequence) {
}
