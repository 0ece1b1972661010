package dev.meetingbridge.meeting;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** One row of the meeting list. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeetingSummary(String id, MeetingStatus status, String createdAt, @Nullable String endedAt,
		long participantCount, long connectionCount) {
}
