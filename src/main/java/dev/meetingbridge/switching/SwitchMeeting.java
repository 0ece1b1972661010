package dev.meetingbridge.switching;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * The {@code switch-meeting} message on a participant's
 * {@code /user/queue/switch-meeting}: where to go, with the requester's token and payload
 * passed on as they came, and whether the bridge moved the participant already.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SwitchMeeting(String switchId, String meetingId, @Nullable String token, String payload,
		@Nullable String connectionParticipantId, String connectionMeetingId, boolean moved) {
}
