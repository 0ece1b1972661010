package dev.meetingbridge.problem;

/**
 * A 401 for a bearer token that was presented but refused (malformed, badly signed,
 * expired): unlike a missing token, RFC 6750 has the answer say {@code invalid_token}, so
 * that a client knows to get a new token rather than to add one.
 */
public final class InvalidTokenException extends BridgeException {

	/** What {@code error_description} and the problem's {@code detail} say. */
	public static final String DETAIL = "the token is malformed, badly signed or expired";

	public InvalidTokenException() {
		super(Problem.UNAUTHENTICATED, DETAIL);
	}

}
