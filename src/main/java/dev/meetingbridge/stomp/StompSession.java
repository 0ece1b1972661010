package dev.meetingbridge.stomp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;

/**
 * A connected STOMP client as the fan-out sees it: its outbox (safe for concurrent sends,
 * bounded, closed when it falls too far behind) and its subscriptions.
 */
final class StompSession {

	private static final Logger logger = LoggerFactory.getLogger(StompSession.class);

	private final OutboxSession socket;

	private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

	private final int writer;

	StompSession(OutboxSession socket, int writer) {
		this.socket = socket;
		this.writer = writer;
	}

	/** The fan-out writer that hands all of this session's frames to its outbox, in order. */
	int writer() {
		return this.writer;
	}

	String id() {
		return this.socket.getId();
	}

	OutboxSession outbox() {
		return this.socket;
	}

	Map<String, Subscription> subscriptions() {
		return this.subscriptions;
	}

	/**
	 * Queues a frame given as the parts of its UTF-8 bytes; never blocks (a session that falls
	 * too far behind is closed by its outbox).
	 */
	void send(byte[]... frame) {
		if (logger.isTraceEnabled()) {
			logger.trace("Delivering to STOMP session {}: {}", id(), decode(frame));
		}
		this.socket.send(frame);
	}

	private static String decode(byte[][] parts) {
		StringBuilder text = new StringBuilder();
		for (byte[] part : parts) {
			text.append(new String(part, StandardCharsets.UTF_8));
		}
		return text.toString();
	}

	/** Closes once the frames queued before are out. */
	void close() {
		try {
			this.socket.close(CloseStatus.POLICY_VIOLATION);
		}
		catch (IOException ex) {
			logger.debug("Closing STOMP session {} failed: {}", id(), ex.getMessage());
		}
	}

}
