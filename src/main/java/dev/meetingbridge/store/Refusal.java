package dev.meetingbridge.store;

import java.util.Arrays;
import java.util.Optional;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.jspecify.annotations.Nullable;

/**
 * The status codes other than {@code ok} that the Lua scripts answer with, and the one
 * mapping from a refusal to the contract's problem. Codes a caller handles itself
 * (already a member, already open, the presence scripts' own) map to
 * {@code store-unavailable}: reaching the mapping with one of them is a bug, not a client
 * error.
 */
public enum Refusal {

	MEETING_NOT_FOUND("meeting-not-found"), MEETING_ENDED("meeting-ended"), MEETING_EXISTS("meeting-exists"),
	PARTICIPANT_NOT_FOUND("participant-not-found"), CONNECTION_CLOSED("connection-closed"),
	ALREADY_MEMBER("already-member"), ALREADY_OPEN("already-open"), ALREADY_FINISHED("already-finished"),
	NOT_MEMBER("not-member"), NOT_OPEN("not-open"), NOT_ENDED("not-ended"), NOT_BOUND("not-bound"), REBOUND("rebound"),
	/** The meeting's epoch is no longer the one the caller saw (someone reset it). */
	MOVED("moved"),
	/**
	 * The meeting was ended by an earlier attempt of the same request (same
	 * {@code Idempotency-Key}), which may not have finished.
	 */
	ENDED_BY_THIS_REQUEST("ended-by-this-request"),
	/** Redis started the script after its deadline; it changed nothing. */
	EXPIRED("expired"),
	/** No answer, or one this service does not know. */
	STORE_UNAVAILABLE("store-unavailable");

	private final String code;

	Refusal(String code) {
		this.code = code;
	}

	public String code() {
		return this.code;
	}

	/**
	 * The refusal of a script status; {@link #STORE_UNAVAILABLE} for anything unknown.
	 */
	public static Refusal of(@Nullable String code) {
		return find(code).orElse(STORE_UNAVAILABLE);
	}

	static Optional<Refusal> find(@Nullable String code) {
		return Arrays.stream(values()).filter((refusal) -> refusal.code.equals(code)).findFirst();
	}

	/**
	 * The problem this refusal answers to a request about the meeting (and participant).
	 */
	public BridgeException toException(MeetingId meetingId, @Nullable String participantId) {
		return switch (this) {
			case MEETING_NOT_FOUND ->
				new BridgeException(Problem.MEETING_NOT_FOUND, "Meeting " + meetingId + " does not exist");
			case MEETING_ENDED -> new BridgeException(Problem.MEETING_ENDED, "Meeting " + meetingId + " has ended");
			case MEETING_EXISTS ->
				new BridgeException(Problem.MEETING_EXISTS, "Meeting " + meetingId + " already exists");
			case PARTICIPANT_NOT_FOUND -> new BridgeException(Problem.PARTICIPANT_NOT_FOUND,
					"Participant " + participantId + " is not in meeting " + meetingId);
			case CONNECTION_CLOSED -> new BridgeException(Problem.CONNECTION_CLOSED, "The connection is closed");
			default -> new BridgeException(Problem.STORE_UNAVAILABLE, "Unexpected store answer: " + this.code);
		};
	}

	public BridgeException toException(MeetingId meetingId) {
		return toException(meetingId, null);
	}

	@Override
	public String toString() {
		return this.code;
	}

}
