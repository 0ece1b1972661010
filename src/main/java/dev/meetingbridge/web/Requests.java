package dev.meetingbridge.web;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import org.jspecify.annotations.Nullable;

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

}
