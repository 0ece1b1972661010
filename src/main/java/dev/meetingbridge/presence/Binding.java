package dev.meetingbridge.presence;

import java.util.Optional;
import java.util.regex.Pattern;

import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;

/**
 * A participant bound to one STOMP session of one instance, and the one place that writes
 * and reads it as Redis keeps it: fields joined with {@code |} (ids never contain one).
 * <ul>
 * <li>{@link #owner()} {@code instance|session}: what the presence scripts compare; they
 * store it in the meeting's presence hash with {@code |bound} or {@code |away}
 * appended.</li>
 * <li>{@link #member()} {@code meeting|participant|session}: the instance's bindings
 * set.</li>
 * <li>{@link #departure()} {@code meeting|participant|instance|session}: the departures
 * schedule.</li>
 * </ul>
 */
record Binding(MeetingId meetingId, ParticipantId participantId, String instance, String sessionId) {

	private static final String SEPARATOR = "|";

	private static final Pattern SPLIT = Pattern.compile(Pattern.quote(SEPARATOR));

	String owner() {
		return this.instance + SEPARATOR + this.sessionId;
	}

	String member() {
		return String.join(SEPARATOR, this.meetingId.value(), this.participantId.value(), this.sessionId);
	}

	String departure() {
		return String.join(SEPARATOR, this.meetingId.value(), this.participantId.value(), owner());
	}

	/** How a meeting's presence hash marks a binding whose session ended. */
	static final String AWAY = SEPARATOR + "away";

	/**
	 * The binding a meeting's presence hash holds ({@code instance|session|bound} or
	 * {@code |away}), as it would be in another meeting; empty when it is not one.
	 */
	static Optional<Binding> ofStored(String stored, MeetingId meetingId, ParticipantId participantId) {
		String[] parts = SPLIT.split(stored, -1);
		return parts.length == 3 ? of(meetingId.value(), participantId.value(), parts[0], parts[1]) : Optional.empty();
	}

	/** A member of the bindings set of {@code instance}; empty when it is not one. */
	static Optional<Binding> ofMember(String instance, String member) {
		String[] parts = SPLIT.split(member, -1);
		return parts.length == 3 ? of(parts[0], parts[1], instance, parts[2]) : Optional.empty();
	}

	/** An entry of the departures schedule; empty when it is not one. */
	static Optional<Binding> ofDeparture(String entry) {
		String[] parts = SPLIT.split(entry, -1);
		return parts.length == 4 ? of(parts[0], parts[1], parts[2], parts[3]) : Optional.empty();
	}

	private static Optional<Binding> of(String meetingId, String participantId, String instance, String sessionId) {
		if (!IdFormat.isValid(meetingId) || !IdFormat.isValid(participantId) || instance.isEmpty()
				|| sessionId.isEmpty()) {
			return Optional.empty();
		}
		return Optional
			.of(new Binding(new MeetingId(meetingId), new ParticipantId(participantId), instance, sessionId));
	}

}
