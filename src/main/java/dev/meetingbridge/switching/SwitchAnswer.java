package dev.meetingbridge.switching;

/**
 * The answer to a switch: its id, and how many of the participant's live STOMP sessions
 * the {@code switch-meeting} message reached.
 */
public record SwitchAnswer(String switchId, int sessions) {
}
