package dev.meetingbridge.meeting;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.store.Refusal;
import org.jspecify.annotations.Nullable;

/**
 * A meeting's {@code status}, as responses show it and the meeting hash in Redis stores
 * it.
 */
public enum MeetingStatus {

	ACTIVE("active"), ENDED("ended");

	private final String wire;

	MeetingStatus(String wire) {
		this.wire = wire;
	}

	@JsonValue
	public String wire() {
		return this.wire;
	}

	public static Optional<MeetingStatus> fromWire(@Nullable String wire) {
		return Arrays.stream(values()).filter((status) -> status.wire.equals(wire)).findFirst();
	}

	/** The stored status; a meeting hash without one is active (it is being created). */
	static MeetingStatus stored(@Nullable String wire) {
		return fromWire(wire).orElse(ACTIVE);
	}

	/**
	 * The status from the meeting hash's {@code status} field as read from Redis; empty
	 * when the meeting does not exist.
	 */
	public static Optional<MeetingStatus> read(@Nullable String storedField) {
		return Optional.ofNullable(storedField).map(MeetingStatus::stored);
	}

	/**
	 * Fails with 404 or 409 unless the status, read with other things in one step, says
	 * the meeting exists and is active.
	 */
	public static void requireActive(MeetingId meetingId, Optional<MeetingStatus> status) {
		if (status.orElseThrow(() -> Refusal.MEETING_NOT_FOUND.toException(meetingId)) != ACTIVE) {
			throw Refusal.MEETING_ENDED.toException(meetingId);
		}
	}

	@Override
	public String toString() {
		return this.wire;
	}

}
