package dev.meetingbridge.problem;

import org.springframework.http.HttpStatus;

/**
 * The stable problem {@code code}s of the public contract, with their HTTP status and
 * title.
 */
public enum Problem {

	VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "validation-failed", "Invalid request"),
	MALFORMED_JSON(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON"),
	SELF_CONNECTION(HttpStatus.BAD_REQUEST, "self-connection", "A meeting cannot connect to itself"),
	BAD_REQUEST(HttpStatus.BAD_REQUEST, "bad-request", "Bad request"),
	UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "unauthenticated", "Authentication required"),
	FORBIDDEN(HttpStatus.FORBIDDEN, "forbidden", "Not allowed"),
	NOT_FOUND(HttpStatus.NOT_FOUND, "not-found", "Not found"),
	MEETING_NOT_FOUND(HttpStatus.NOT_FOUND, "meeting-not-found", "Meeting not found"),
	PARTICIPANT_NOT_FOUND(HttpStatus.NOT_FOUND, "participant-not-found", "Participant not found"),
	CONNECTION_NOT_FOUND(HttpStatus.NOT_FOUND, "connection-not-found", "Connection not found"),
	UNKNOWN_DESTINATION(HttpStatus.NOT_FOUND, "unknown-destination", "Unknown destination"),
	METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed"),
	NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable"),
	MEETING_EXISTS(HttpStatus.CONFLICT, "meeting-exists", "Meeting already exists"),
	MEETING_ENDED(HttpStatus.CONFLICT, "meeting-ended", "Meeting has ended"),
	CONNECTION_CLOSED(HttpStatus.CONFLICT, "connection-closed", "Connection is closed"),
	/**
	 * The meeting's history went back (Redis lost acknowledged writes) since the client's
	 * position: it must reload the meeting.
	 */
	HISTORY_RESET(HttpStatus.CONFLICT, "history-reset", "History reset"),
	/** A request with the same {@code Idempotency-Key} is still being carried out. */
	IDEMPOTENCY_KEY_IN_PROGRESS(HttpStatus.CONFLICT, "idempotency-key-in-progress",
			"Request with this Idempotency-Key in progress"),
	/** The {@code Idempotency-Key} was first used with another method, path or body. */
	IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
			"Idempotency-Key used for another request"),
	PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Request body too large"),
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type"),
	RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests"),
	/**
	 * STOMP only: a session asked for more subscriptions than
	 * {@code bridge.stomp.max-subscriptions}.
	 */
	SUBSCRIPTION_LIMIT(HttpStatus.TOO_MANY_REQUESTS, "subscription-limit", "Too many subscriptions"),
	STORE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable", "Store unavailable"),
	/** Never expected: a bug. Reported without internals. */
	INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error");

	private final HttpStatus status;

	private final String code;

	private final String title;

	Problem(HttpStatus status, String code, String title) {
		this.status = status;
		this.code = code;
		this.title = title;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String code() {
		return this.code;
	}

	public String title() {
		return this.title;
	}

	/** The generic problem for a status that has no specific code. */
	public static Problem forStatus(int status) {
		return switch (status) {
			case 400 -> BAD_REQUEST;
			case 401 -> UNAUTHENTICATED;
			case 403 -> FORBIDDEN;
			case 404 -> NOT_FOUND;
			case 405 -> METHOD_NOT_ALLOWED;
			case 406 -> NOT_ACCEPTABLE;
			case 413 -> PAYLOAD_TOO_LARGE;
			case 415 -> UNSUPPORTED_MEDIA_TYPE;
			case 429 -> RATE_LIMITED;
			case 503 -> STORE_UNAVAILABLE;
			default -> status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
		};
	}

}
