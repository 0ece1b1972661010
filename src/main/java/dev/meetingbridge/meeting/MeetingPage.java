package dev.meetingbridge.meeting;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** A page of the meeting list; {@code nextCursor} is absent on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeetingPage(List<MeetingSummary> meetings, @Nullable String nextCursor) {
}
