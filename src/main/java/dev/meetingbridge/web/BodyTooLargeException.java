package dev.meetingbridge.web;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;

/** A request body that went past the limit while it was read. */
class BodyTooLargeException extends BridgeException {

	BodyTooLargeException(long limit) {
		super(Problem.PAYLOAD_TOO_LARGE, "The request body is larger than " + limit + " bytes");
	}

}
