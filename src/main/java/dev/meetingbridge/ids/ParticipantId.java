package dev.meetingbridge.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A participant id in the contract's {@link IdFormat}; JSON maps it as the plain string.
 */
public record ParticipantId(String value) {

	/**
	 * The field a bad participant id is reported under, unless the caller names another.
	 */
	public static final String FIELD = "participantId";

	public ParticipantId {
		IdFormat.require(FIELD, value);
	}

	/** The id, or a {@code validation-failed} problem for {@value #FIELD}. */
	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static ParticipantId of(@Nullable String value) {
		return of(FIELD, value);
	}

	/** The id, or a {@code validation-failed} problem naming {@code field}. */
	public static ParticipantId of(String field, @Nullable String value) {
		return new ParticipantId(IdFormat.require(field, value));
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
