package dev.meetingbridge.stomp;

/**
 * What the {@link SessionWatch} knows of whether a session's client is still there: when
 * the session opened and last heard from the client, the heart-beats negotiated at
 * CONNECT, and the watch's own bookkeeping of pings and stalls (touched only on the
 * watch's thread).
 */
final class SessionLiveness {

	/** Not CONNECTed yet. */
	static final long NOT_CONNECTED = -1;

	private final long openedAt = System.nanoTime();

	private volatile long lastReceived = this.openedAt;

	/**
	 * How often the client promised to send something, in milliseconds: 0 when it sends
	 * no heart-beats (it is probed with pings instead), or {@link #NOT_CONNECTED}.
	 */
	private volatile long heartbeatMillis = NOT_CONNECTED;

	/** How often the server sends the client a heart-beat, 0 for never. */
	private volatile long serverHeartbeatMillis;

	/** Pings sent since the client was last heard from. */
	private long pingsSent;

	private long lastHeartbeatSent = this.openedAt;

	/**
	 * Since when the socket takes nothing more ({@link System#nanoTime()}), 0 while it
	 * does.
	 */
	private long stalledSince;

	/** Anything arrived from the client: a frame, a heart-beat or a pong. */
	void received() {
		this.lastReceived = System.nanoTime();
	}

	/** CONNECT was accepted with these intervals (0 for none). */
	void connected(long heartbeatMillis, long serverHeartbeatMillis) {
		this.serverHeartbeatMillis = serverHeartbeatMillis;
		this.heartbeatMillis = heartbeatMillis;
	}

	long openedAt() {
		return this.openedAt;
	}

	long lastReceived() {
		return this.lastReceived;
	}

	long heartbeatMillis() {
		return this.heartbeatMillis;
	}

	long serverHeartbeatMillis() {
		return this.serverHeartbeatMillis;
	}

	long pingsSent() {
		return this.pingsSent;
	}

	void pinged(long count) {
		this.pingsSent = count;
	}

	long lastHeartbeatSent() {
		return this.lastHeartbeatSent;
	}

	void heartbeatSent(long now) {
		this.lastHeartbeatSent = now;
	}

	/**
	 * How long the socket has taken nothing (0 while it is {@code writable}), as seen at
	 * {@code now}.
	 */
	long stalledNanos(long now, boolean writable) {
		if (writable) {
			this.stalledSince = 0;
			return 0;
		}
		if (this.stalledSince == 0) {
			this.stalledSince = now;
		}
		return now - this.stalledSince;
	}

}
