package dev.meetingbridge.meeting;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * Who ended a meeting: a member of it, or of a meeting connected to it (the
 * {@code meeting-ended} event's {@code endedBy}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndedBy(String meetingId, @Nullable String participantId) {
}
