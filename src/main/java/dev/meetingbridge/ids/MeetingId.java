package dev.meetingbridge.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/** A meeting id in the contract's {@link IdFormat}; JSON maps it as the plain string. */
public record MeetingId(String value) {

	/** The field a bad meeting id is reported under, unless the caller names another. */
	public static final String FIELD = "meetingId";

	public MeetingId {
		IdFormat.require(FIELD, value);
	}

	/** The id, or a {@code validation-failed} problem for {@value #FIELD}. */
	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static MeetingId of(@Nullable String value) {
		return of(FIELD, value);
	}

	/** The id, or a {@code validation-failed} problem naming {@code field}. */
	public static MeetingId of(String field, @Nullable String value) {
		return new MeetingId(IdFormat.require(field, value));
	}

	/**
	 * A new meeting id like {@code abcd-efgh-ijkl}, for a meeting created without one.
	 */
	public static MeetingId generate() {
		return new MeetingId(IdFormat.readable());
	}

	@Override
	@JsonValue
	public String value() {
		return this.value;
	}

	@Override
	public String toString() {
		return this.value;
	}

}
