package dev.meetingbridge.stomp;

import org.springframework.messaging.MessagingException;

/** A frame the bridge refuses with a STOMP ERROR; the {@code message} header starts with the code. */
class StompRefusal extends MessagingException {

	private final String code;

	StompRefusal(String code, String detail) {
		super(detail);
		this.code = code;
	}

	String code() {
		return this.code;
	}

	/** The ERROR frame's {@code message} header. */
	String header() {
		return this.code + ": " + getMessage();
	}

}
