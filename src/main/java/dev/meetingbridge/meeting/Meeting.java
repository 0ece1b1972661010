package dev.meetingbridge.meeting;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** A meeting with its participants and the ids of its open connections. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Meeting(String id, MeetingStatus status, String createdAt, @Nullable String endedAt,
		Map<String, Participant> participants, List<String> connections) {
}
