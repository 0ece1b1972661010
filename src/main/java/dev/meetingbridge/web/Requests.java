package dev.meetingbridge.web;

import org.jspecify.annotations.Nullable;

/** REST request bodies; each field is validated by the value objects it feeds. */
final class Requests {

	private Requests() {
	}

	record CreateMeeting(@Nullable String meetingId) {
	}

	record Join(@Nullable String displayName, @Nullable String participantId) {
	}

	record Connect(@Nullable String meetingId, @Nullable String payload) {
	}

	record SendChat(@Nullable String message, @Nullable String senderId) {
	}

}
