package dev.meetingbridge.stomp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.PingMessage;


/**
 * A connected STOMP client as the fan-out sees it: its outbox (safe for concurrent sends,
 * bounded, closed when it falls too far behind), its subscriptions, and whether it is still
 * there (when it opened, last sent anything, and the heart-beat it negotiated).
 */
final class StompSession {

	private static final Logger logger = LoggerFactory.getLogger(StompSession.class);

	/** Not CONNECTed yet. */
	static final long NOT_CONNECTED = -1;

	private final OutboxSession socket;

	private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

	/** Subscriptions served by the broker rather than the fan-out (the error queue), by id. */
	private final Set<String> queueSubscriptions = ConcurrentHashMap.newKeySet();

	private final int writer;

	private final long openedAt = System.nanoTime();

	private volatile long lastReceived = this.openedAt;

	/**
	 * How often the client promised to send something, in milliseconds, as negotiated at
	 * CONNECT: 0 when it sends no heart-beats (it is probed with pings instead), or
	 * {@link #NOT_CONNECTED}.
	 */
	private volatile long heartbeatMillis = NOT_CONNECTED;

	/** Pings sent since the client was last heard from (only the session watch uses it). */
	private long pingsSent;

	StompSession(OutboxSession socket, int writer) {
		this.socket = socket;
		this.writer = writer;
	}

	/** Anything arrived from the client: a frame, a heart-beat or a pong. */
	void received() {
		this.lastReceived = System.nanoTime();
	}

	long lastReceived() {
		return this.lastReceived;
	}

	long openedAt() {
		return this.openedAt;
	}

	/** CONNECT was accepted; {@code heartbeatMillis} as negotiated, 0 for none. */
	void connected(long heartbeatMillis) {
		this.heartbeatMillis = heartbeatMillis;
	}

	long heartbeatMillis() {
		return this.heartbeatMillis;
	}

	long pingsSent() {
		return this.pingsSent;
	}

	void pinged(long count) {
		this.pingsSent = count;
	}

	/**
	 * Pings the client. Control frames have no asynchronous send in the standard API, so it goes
	 * out on a thread of its own, queued behind whatever is on the wire.
	 */
	void ping() {
		Thread.ofVirtual().name("stomp-ping-" + id()).start(() -> {
			try {
				this.socket.sendMessage(new PingMessage());
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Pinging STOMP session {} failed: {}", id(), ex.toString());
			}
		});
	}

	Set<String> queueSubscriptions() {
		return this.queueSubscriptions;
	}

	/** Topic and queue subscriptions together. */
	int subscriptionCount() {
		return this.subscriptions.size() + this.queueSubscriptions.size();
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

	/** Closes once the frames queued before are out (an ERROR frame, say). */
	void close() {
		try {
			this.socket.close(SessionEnd.REFUSED.status());
		}
		catch (IOException ex) {
			logger.debug("Closing STOMP session {} failed: {}", id(), ex.getMessage());
		}
	}

	/**
	 * Ends the session at once, whatever is queued or on the wire, and lets go of the connection
	 * even if the client never answers the close (it may be gone without a FIN).
	 */
	void terminate(SessionEnd end) {
		this.socket.terminate(end);
	}

}
