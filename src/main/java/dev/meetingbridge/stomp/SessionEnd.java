package dev.meetingbridge.stomp;

/**
 * Why a STOMP session ended on the bridge's side: the metric's {@code reason} and the
 * close frame the client gets.
 */
enum SessionEnd {

	/** No completed CONNECT within {@code bridge.stomp.connect-timeout}. */
	CONNECT_TIMEOUT("connect-timeout", 1008, "connect-timeout"),

	/**
	 * Nothing from the client for three heart-beat intervals, or three unanswered pings.
	 */
	HEARTBEAT("heartbeat", 1008, "heartbeat"),

	/** Too much waiting to be written to it, or nothing taken for too long. */
	SLOW_CONSUMER("slow-consumer", 1008, "Too slow to receive"),

	/**
	 * It missed events that the meeting's history no longer holds: it must reconnect and
	 * reload.
	 */
	RESYNC("resync", 4000, "resync"),

	/**
	 * A frame was refused with an ERROR frame, after which STOMP closes the connection.
	 */
	REFUSED("refused", 1008, ""),

	/**
	 * The instance holds {@code bridge.stomp.max-sessions} already: try again
	 * (elsewhere).
	 */
	OVER_CAPACITY("over-capacity", 1013, "over capacity"),

	/** The client sent DISCONNECT: a normal close, not counted. */
	DISCONNECT("disconnect", 1000, ""),

	/** The instance is shutting down. */
	GOING_AWAY("going-away", 1001, "shutting down");

	private final String reason;

	private final int code;

	private final String closeReason;

	SessionEnd(String reason, int code, String closeReason) {
		this.reason = reason;
		this.code = code;
		this.closeReason = closeReason;
	}

	/** The metric's {@code reason} tag. */
	String reason() {
		return this.reason;
	}

	/** The WebSocket close code. */
	int code() {
		return this.code;
	}

	/** The WebSocket close frame's reason text. */
	String closeReason() {
		return this.closeReason;
	}

}
