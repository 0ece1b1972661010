package dev.meetingbridge.stomp;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.SessionLimitExceededException;

/**
 * A connected STOMP client as the fan-out sees it: its WebSocket session (safe for concurrent
 * sends, bounded, closed when it falls too far behind) and its subscriptions.
 */
final class StompSession {

	private static final Logger logger = LoggerFactory.getLogger(StompSession.class);

	private final WebSocketSession socket;

	private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

	private final Counter slowConsumersClosed;

	private final int writer;

	StompSession(WebSocketSession socket, int writer, Counter slowConsumersClosed) {
		this.socket = socket;
		this.writer = writer;
		this.slowConsumersClosed = slowConsumersClosed;
	}

	/** The fan-out writer that writes all of this session's frames, in order. */
	int writer() {
		return this.writer;
	}

	String id() {
		return this.socket.getId();
	}

	Map<String, Subscription> subscriptions() {
		return this.subscriptions;
	}

	void send(String frame) {
		if (!this.socket.isOpen()) {
			logger.trace("Not delivering to closed STOMP session {}", id());
			return;
		}
		if (logger.isTraceEnabled()) {
			logger.trace("Delivering to STOMP session {}: {}", id(), frame);
		}
		try {
			this.socket.sendMessage(new TextMessage(frame));
		}
		catch (SessionLimitExceededException ex) {
			// The decorator closes a session that stays over its buffer or time bound.
			logger.info("Closed STOMP session {}: it fell behind ({})", id(), ex.getMessage());
			this.slowConsumersClosed.increment();
		}
		catch (IOException | IllegalStateException ex) {
			logger.debug("Could not deliver to STOMP session {}: {}", id(), ex.getMessage());
			close();
		}
	}

	void close() {
		try {
			this.socket.close(CloseStatus.POLICY_VIOLATION);
		}
		catch (IOException ex) {
			logger.debug("Closing STOMP session {} failed: {}", id(), ex.getMessage());
		}
	}

}
