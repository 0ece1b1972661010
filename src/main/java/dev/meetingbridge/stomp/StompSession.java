package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.meetingbridge.security.BridgePrincipal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connected STOMP client: its socket, who it authenticated as, its
 * {@link SessionSubscriptions} and its {@link SessionLiveness}.
 * <p>
 * Everything is written to the socket as complete WebSocket frames below the WebSocket
 * encoder, in the order it is written; writes from other threads are handed to the
 * socket's event loop. More than {@link #HIGH_WATER} bytes waiting for a client that does
 * not read ends the session as a slow consumer: it falls behind alone and nobody else
 * waits for it.
 */
final class StompSession {

	private static final Logger logger = LoggerFactory.getLogger(StompSession.class);

	/** Bytes waiting for the client beyond which it is too slow to receive. */
	static final int HIGH_WATER = 512 * 1024;

	private static final int LOW_WATER = 256 * 1024;

	/**
	 * How long a closing client may take to answer the close frame before the connection
	 * is dropped.
	 */
	private static final long CLOSE_WAIT_MILLIS = 1_000;

	private final Channel channel;

	private final String id;

	/**
	 * The WebSocket encoder's place in the pipeline: frames written here go to the socket
	 * as they are.
	 */
	private final ChannelHandlerContext frames;

	private final Consumer<SessionEnd> onEnded;

	private final AtomicReference<@Nullable SessionEnd> ended = new AtomicReference<>();

	private final AtomicLong queueMessages = new AtomicLong();

	private final SessionSubscriptions subscriptions = new SessionSubscriptions();

	private final SessionLiveness liveness = new SessionLiveness();

	private volatile @Nullable BridgePrincipal principal;

	/**
	 * Frames were written to the socket but not flushed yet; only touched on its event
	 * loop.
	 */
	private boolean flushPending;

	/** Writes this session's share of the fan-out, on its socket's event loop. */
	private final LoopWriter writer;

	StompSession(Channel channel, String id, LoopWriter writer, Consumer<SessionEnd> onEnded) {
		this.channel = channel;
		this.id = id;
		this.writer = writer;
		this.onEnded = onEnded;
		channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(LOW_WATER, HIGH_WATER));
		ChannelHandlerContext encoder = channel.pipeline().context(WebSocketFrameEncoder.class);
		if (encoder == null) {
			throw new IllegalStateException("No WebSocket encoder in the pipeline of " + channel);
		}
		this.frames = encoder;
	}

	String id() {
		return this.id;
	}

	Channel channel() {
		return this.channel;
	}

	LoopWriter writer() {
		return this.writer;
	}

	/** CONNECT was accepted: who the client is. */
	void connected(BridgePrincipal principal) {
		this.principal = principal;
	}

	@Nullable BridgePrincipal principal() {
		return this.principal;
	}

	/**
	 * Pings the client (a WebSocket ping; browsers and libraries answer by themselves).
	 */
	void ping() {
		ByteBuf ping = this.channel.alloc().buffer(2).writeByte(0x89).writeByte(0);
		this.frames.writeAndFlush(ping, this.frames.voidPromise());
	}

	SessionSubscriptions subscriptions() {
		return this.subscriptions;
	}

	SessionLiveness liveness() {
		return this.liveness;
	}

	/** The next {@code message-id} of a message on the session's own queue. */
	String nextQueueMessageId() {
		return this.id + "-q" + this.queueMessages.incrementAndGet();
	}

	boolean isOpen() {
		return this.ended.get() == null && this.channel.isActive();
	}

	/**
	 * Sends one STOMP frame (UTF-8) from any thread, after everything written before it.
	 */
	void send(byte[] frame) {
		if (logger.isTraceEnabled()) {
			logger.trace("To STOMP session {}: {}", this.id, new String(frame, StandardCharsets.UTF_8));
		}
		if (this.ended.get() == null) {
			this.frames.writeAndFlush(StompFrames.webSocketFrame(this.channel.alloc(), frame),
					this.frames.voidPromise());
		}
	}

	/**
	 * On the session's event loop: writes a complete WebSocket frame without flushing it
	 * (the caller flushes once it has written everything it has for this session). A
	 * session whose client lets too much pile up is ended as a slow consumer instead, and
	 * {@code false} returned.
	 */
	boolean write(ByteBuf frame) {
		if (!this.channel.isWritable()) {
			frame.release();
			if (this.channel.isActive()) {
				logger.info("Closing STOMP session {}: it fell behind ({} bytes waiting)", this.id,
						HIGH_WATER - this.channel.bytesBeforeWritable());
				end(SessionEnd.SLOW_CONSUMER);
			}
			return false;
		}
		this.frames.write(frame, this.frames.voidPromise());
		return true;
	}

	/**
	 * On the event loop: notes that the session has frames written but not flushed; true
	 * the first time since its last {@link #flushed()}.
	 */
	boolean markToFlush() {
		if (this.flushPending) {
			return false;
		}
		this.flushPending = true;
		return true;
	}

	/** On the event loop: flushes what {@link #markToFlush()} noted. */
	void flushed() {
		this.flushPending = false;
		this.frames.flush();
	}

	/**
	 * Ends the session: a close frame after whatever was written before, then the
	 * connection is dropped, even if the client never answers (it may be gone without a
	 * FIN) or reads nothing. Only the first end counts; never blocks.
	 */
	void end(SessionEnd end) {
		if (!this.ended.compareAndSet(null, end)) {
			return;
		}
		this.onEnded.accept(end);
		byte[] reason = end.closeReason().getBytes(StandardCharsets.UTF_8);
		ByteBuf close = this.channel.alloc().buffer(4 + reason.length);
		close.writeByte(0x88).writeByte(2 + reason.length).writeShort(end.code()).writeBytes(reason);
		this.frames.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
		this.channel.eventLoop().schedule(() -> this.channel.close(), CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * How the session ended on the bridge's side, or {@code null} while it is open or the
	 * client closed it.
	 */
	@Nullable SessionEnd ended() {
		return this.ended.get();
	}

	@Override
	public String toString() {
		return "STOMP session " + this.id;
	}

}
