package dev.meetingbridge.stomp;

import dev.meetingbridge.presence.PresenceService;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * Gives the fan-out its own handle on each WebSocket session. The session is wrapped once in an
 * {@link OutboxSession} (bounded, non-blocking) that both Spring's STOMP handler and the fan-out
 * write through, so their frames never interleave and a slow client cannot hold anyone else up.
 */
class FanoutSessionHandler extends WebSocketHandlerDecorator {

	private final TopicFanout fanout;

	private final PresenceService presence;

	private final int sendTimeLimit;

	private final int bufferSizeLimit;

	FanoutSessionHandler(WebSocketHandler delegate, TopicFanout fanout, PresenceService presence, int sendTimeLimit,
			int bufferSizeLimit) {
		super(delegate);
		this.fanout = fanout;
		this.presence = presence;
		this.sendTimeLimit = sendTimeLimit;
		this.bufferSizeLimit = bufferSizeLimit;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		OutboxSession shared = this.fanout.sessionOpened(session, this.sendTimeLimit, this.bufferSizeLimit);
		this.presence.sessionStarted(shared.getId());
		super.afterConnectionEstablished(shared);
	}

	/** Anything from the client shows it is still there; a pong is only that. */
	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
		StompSession stomp = this.fanout.session(session.getId());
		if (stomp != null) {
			stomp.received();
		}
		if (!(message instanceof PongMessage)) {
			super.handleMessage(session, message);
		}
	}

	/**
	 * Frames larger than the container's small receive buffer come in parts; Spring's STOMP
	 * decoder buffers a frame until it is whole (up to the message size limit).
	 */
	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
		// However it ended (DISCONNECT, closed socket, missed heart-beats), its participants are now away.
		this.fanout.sessionClosed(session.getId());
		this.presence.sessionEnded(session.getId());
		super.afterConnectionClosed(session, closeStatus);
	}

}
