package dev.meetingbridge.stomp;

import org.springframework.web.socket.CloseStatus;

/** Why the bridge closed a STOMP session itself: the metric's {@code reason} and the close frame the client gets. */
enum SessionEnd {

	/** No completed CONNECT within {@code bridge.stomp.connect-timeout}. */
	CONNECT_TIMEOUT("connect-timeout", CloseStatus.POLICY_VIOLATION.withReason("connect-timeout")),

	/** Nothing from the client for three heart-beat intervals, or three unanswered pings. */
	HEARTBEAT("heartbeat", CloseStatus.POLICY_VIOLATION.withReason("heartbeat")),

	/** Its outbox overflowed, or a send to it did not complete in time. */
	SLOW_CONSUMER("slow-consumer", CloseStatus.POLICY_VIOLATION.withReason("Too slow to receive")),

	/** It missed events that the meeting's history no longer holds: it must reconnect and reload. */
	RESYNC("resync", new CloseStatus(4000, "resync")),

	/** A frame was refused with an ERROR frame, after which STOMP closes the connection. */
	REFUSED("refused", CloseStatus.POLICY_VIOLATION);

	private final String reason;

	private final CloseStatus status;

	SessionEnd(String reason, CloseStatus status) {
		this.reason = reason;
		this.status = status;
	}

	String reason() {
		return this.reason;
	}

	CloseStatus status() {
		return this.status;
	}

}
