package dev.meetingbridge.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A connection id in the contract's {@link IdFormat}; JSON maps it as the plain string.
 */
public record ConnectionId(String value) {

	/**
	 * The field a bad connection id is reported under, unless the caller names another.
	 */
	public static final String FIELD = "connectionId";

	public ConnectionId {
		IdFormat.require(FIELD, value);
	}

	/** The id, or a {@code validation-failed} problem for {@value #FIELD}. */
	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public static ConnectionId of(@Nullable String value) {
		return of(FIELD, value);
	}

	/** The id, or a {@code validation-failed} problem naming {@code field}. */
	public static ConnectionId of(String field, @Nullable String value) {
		return new ConnectionId(IdFormat.require(field, value));
	}

	/** A new opaque connection id ({@code c_…}). */
	public static ConnectionId generate() {
		return new ConnectionId(IdFormat.opaque("c_"));
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
