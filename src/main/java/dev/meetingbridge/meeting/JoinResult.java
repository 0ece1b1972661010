package dev.meetingbridge.meeting;

/**
 * The participant after a join, and whether this join added it (false: it was already a
 * member).
 */
public record JoinResult(Participant participant, boolean joined) {
}
