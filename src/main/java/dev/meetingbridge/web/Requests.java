package dev.meetingbridge.web;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * REST request bodies; each field is validated by the value objects it feeds (ids as
 * Jackson reads them, so a bad one is a {@code validation-failed} naming its field).
 */
final class Requests {

	private Requests() {
	}

	record CreateMeeting(@Nullable MeetingId meetingId) {
	}

	record Join(@Nullable String displayName, @Nullable ParticipantId participantId) {
	}

	record Connect(@Nullable MeetingId meetingId, @Nullable String payload) {
	}

	record SendChat(@Nullable String message, @Nullable ParticipantId senderId) {
	}

	/**
	 * {@code token} is passed on untouched, so it is read as it came (a string, or it is
	 * refused).
	 */
	record Switch(@Nullable MeetingId meetingId, @Nullable JsonNode token, @Nullable String payload,
			@Nullable Boolean move) {
	}

}
