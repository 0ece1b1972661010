package dev.meetingbridge.stomp;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.presence.PresenceService;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.BufferingStompDecoder;
import org.springframework.messaging.simp.stomp.StompConversionException;
import org.springframework.messaging.simp.stomp.StompDecoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

/**
 * One WebSocket at {@code /ws}: its messages are decoded into STOMP frames on the event
 * loop (Spring's STOMP decoder, joining frames split over several messages) and handled
 * one after the other on virtual threads, in the order the client sent them. The
 * session's writes go straight to its socket ({@link StompSession}); when the socket
 * closes, however it closed, the session's subscriptions end and its session-bound
 * participants leave after the grace.
 */
@Component
class StompWebSocketHandler implements WebSocketHandler, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(StompWebSocketHandler.class);

	private final StompSessions sessions;

	private final StompProtocol protocol;

	private final StompChannels channels;

	private final PresenceService presence;

	private final int maxSessions;

	private final ExecutorService virtualThreads = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("stomp-", 0).factory());

	private final Scheduler frames = Schedulers.fromExecutorService(this.virtualThreads, "stomp-frames");

	StompWebSocketHandler(StompSessions sessions, StompProtocol protocol, StompChannels channels,
			PresenceService presence, BridgeProperties properties) {
		this.sessions = sessions;
		this.protocol = protocol;
		this.channels = channels;
		this.presence = presence;
		this.maxSessions = properties.stomp().maxSessions();
	}

	/**
	 * STOMP's WebSocket subprotocols; clients that ask for one (browsers, {@code ws}) get
	 * the one they asked for.
	 */
	@Override
	public List<String> getSubProtocols() {
		return List.of("v12.stomp", "v11.stomp", "v10.stomp");
	}

	@Override
	public Mono<Void> handle(WebSocketSession socket) {
		Channel channel = (socket instanceof ReactorNettyWebSocketSession netty)
				? this.channels.find(netty.getChannelId()) : null;
		if (channel == null) {
			return socket.close(CloseStatus.SERVER_ERROR);
		}
		StompSession session = this.sessions.opened(channel, socket.getId());
		if (this.sessions.count() > this.maxSessions) {
			logger.warn("Refusing a WebSocket: this instance holds bridge.stomp.max-sessions ({}) already",
					this.maxSessions);
			session.end(SessionEnd.OVER_CAPACITY);
			return socket.receive().then().doFinally((signal) -> this.sessions.closed(session.id()));
		}
		this.presence.sessionStarted(session.id());
		BufferingStompDecoder decoder = new BufferingStompDecoder(new StompDecoder(), StompEndpoint.MESSAGE_SIZE_LIMIT);
		// Decoded as each message arrives (its buffer is only valid until then), handled
		// in order. A reset connection ends the session like a closed one: what it sent
		// before still counts.
		return socket.receive()
			.onErrorComplete()
			.map((message) -> decode(session, decoder, message))
			.concatMap((frames) -> handle(session, frames))
			.then()
			.doFinally((signal) -> {
				// However it ended (DISCONNECT, closed socket, missed heart-beats), its
				// participants are now away.
				this.sessions.closed(session.id());
				this.presence.sessionEnded(session.id());
			});
	}

	/**
	 * On the event loop, as the message arrives: the STOMP frames it completes (none for
	 * a heart-beat, a pong or a partial frame), copied out of the message's buffer.
	 */
	private List<Message<byte[]>> decode(StompSession session, BufferingStompDecoder decoder,
			WebSocketMessage message) {
		session.liveness().received();
		if (message.getType() != WebSocketMessage.Type.TEXT && message.getType() != WebSocketMessage.Type.BINARY) {
			// A pong (or a ping, answered by the server): only that the client is there.
			return List.of();
		}
		try {
			List<Message<byte[]>> decoded = decoder.decode(bytes(message.getPayload()));
			return decoded.stream().allMatch(StompWebSocketHandler::isHeartbeat) ? List.of() : decoded;
		}
		catch (StompConversionException ex) {
			logger.debug("Closing {}: {}", session, ex.getMessage());
			session.send(StompFrames.error("bad-request: the frame is not valid STOMP or is too large", null));
			session.end(SessionEnd.REFUSED);
			return List.of();
		}
	}

	/** The frames, handled on a virtual thread after those before them. */
	private Mono<Void> handle(StompSession session, List<Message<byte[]>> frames) {
		if (frames.isEmpty()) {
			return Mono.empty();
		}
		return Mono.<Void>fromRunnable(() -> frames.forEach((frame) -> this.protocol.handle(session, frame)))
			.subscribeOn(this.frames);
	}

	private static boolean isHeartbeat(Message<byte[]> frame) {
		StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(frame, StompHeaderAccessor.class);
		return accessor != null && accessor.isHeartbeat();
	}

	private static ByteBuffer bytes(DataBuffer payload) {
		byte[] bytes = new byte[payload.readableByteCount()];
		payload.read(bytes);
		return ByteBuffer.wrap(bytes);
	}

	@Override
	public void destroy() {
		this.frames.dispose();
		this.virtualThreads.shutdownNow();
	}

}
