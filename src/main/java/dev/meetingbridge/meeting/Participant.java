package dev.meetingbridge.meeting;

/** A member of a meeting, as every response and event shows it. */
public record Participant(String id, String displayName, String joinedAt) {
}
