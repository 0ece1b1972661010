package dev.meetingbridge.stomp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * A WebSocket session whose sends never block the sender. Frames go into a bounded outbox and
 * out through the container's asynchronous send; what is queued while one send is on the wire
 * goes out together as the next WebSocket message, up to {@link #BATCH_LIMIT} bytes (STOMP
 * frames end with a NUL, so a message may carry several). A client that lets more than the buffer limit pile up, or does not
 * take a message within the time limit, is closed with 1008 (policy violation): it falls behind
 * alone and nobody else waits for it.
 * <p>
 * Everything written to the session goes through here: the fan-out's MESSAGE frames and Spring's
 * own frames (CONNECTED, RECEIPT, ERROR, the error queue, heart-beats), so they never interleave.
 * On a server without the standard asynchronous API, sends fall back to blocking ones, still one at a time.
 */
final class OutboxSession extends WebSocketSessionDecorator {

	private static final Logger logger = LoggerFactory.getLogger(OutboxSession.class);

	/** Tomcat's per-session bound on a blocking send; the close frame to a stalled client is one. */
	private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final long CLOSE_SEND_TIMEOUT_MILLIS = 1_000;

	/**
	 * Tomcat's per-session wait for the client's answer to a close frame before it drops the
	 * connection (checked by its background process, every 10 s by default).
	 */
	private static final String SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";

	private static final long SESSION_CLOSE_TIMEOUT_MILLIS = 1_000;

	/**
	 * The most bytes of queued frames sent as one WebSocket message. Clients with a bounded
	 * message buffer (8,192 characters in Tomcat's, so in Spring's Java STOMP client) must never
	 * see a message larger than the largest single frame would be.
	 */
	static final int BATCH_LIMIT = 8192;

	private final RemoteEndpoint.@Nullable Async remote;

	/** Tomcat's endpoint behind {@link #remote}, to send pre-encoded text through; else {@code null}. */
	private final @Nullable Object encodedTextTarget;

	private final @Nullable Session nativeSession;

	private final int bufferLimit;

	private final long timeLimitNanos;

	/** Told when the bridge ends the session itself, and why. */
	private final Consumer<SessionEnd> onEnded;

	/**
	 * What waits for the send on the wire: text frames as the parts of their UTF-8 bytes
	 * ({@code byte[][]}, joined when sent) and binary messages.
	 */
	private @Nullable ArrayDeque<Object> queue;

	/** Bytes waiting. */
	private int queued;

	private boolean sending;

	private long sendingSince;

	private boolean closed;

	/** Frames were appended while idle and the fan-out writer has yet to {@link #flush}. */
	private boolean flushPending;

	/** A close asked for while frames were still going out; it happens once they are out. */
	private @Nullable CloseStatus closeWhenSent;

	OutboxSession(WebSocketSession delegate, int bufferLimit, int timeLimitMillis, Consumer<SessionEnd> onEnded) {
		super(delegate);
		this.bufferLimit = bufferLimit;
		this.timeLimitNanos = TimeUnit.MILLISECONDS.toNanos(timeLimitMillis);
		this.onEnded = onEnded;
		Session standard = (delegate instanceof NativeWebSocketSession nativeOne)
				? nativeOne.getNativeSession(Session.class) : null;
		this.nativeSession = standard;
		this.remote = (standard != null) ? standard.getAsyncRemote() : null;
		if (this.remote != null) {
			this.remote.setSendTimeout(timeLimitMillis);
		}
		this.encodedTextTarget = (this.remote != null) ? EncodedText.target(this.remote) : null;
	}

	/**
	 * Queues a text frame given as the parts of its UTF-8 bytes (sent one after the other, never
	 * copied before); returns at once. Frames to a closed or fallen-behind session are dropped.
	 */
	void send(byte[]... parts) {
		offer(parts, sizeOf(parts));
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		switch (message) {
			case TextMessage text -> send(text.asBytes());
			case BinaryMessage binary -> offer(binary, binary.getPayloadLength());
			case PingMessage ping -> offer(ping, ping.getPayloadLength());
			default -> throw new IllegalArgumentException("Unsupported message type " + message.getClass().getSimpleName());
		}
	}

	/**
	 * Queues a frame for the fan-out without sending it yet, so that the frames of several events
	 * go out together. Returns {@code true} when the caller must {@link #flush} it later (nothing
	 * is on the wire to pick the frame up when it completes).
	 */
	boolean append(byte[][] parts) {
		synchronized (this) {
			if (this.closed || !enqueue(parts, sizeOf(parts)) || this.sending || this.flushPending) {
				return false;
			}
			this.flushPending = true;
			return true;
		}
	}

	/** Starts sending what {@link #append} queued, unless a send on the wire will pick it up. */
	void flush() {
		Object batch;
		synchronized (this) {
			this.flushPending = false;
			batch = startSending();
		}
		pump(batch);
	}

	/** A text frame ({@code byte[][]}), a binary message or a ping: queued, and sent now if nothing is on the wire. */
	private void offer(Object item, int size) {
		Object batch;
		synchronized (this) {
			if (this.closed || !enqueue(item, size)) {
				return;
			}
			batch = startSending();
		}
		pump(batch);
	}

	/** Called holding the lock; {@code false} when the session fell behind (and is being closed). */
	private boolean enqueue(Object item, int size) {
		if (this.queued + size > this.bufferLimit
				|| (this.sending && System.nanoTime() - this.sendingSince > this.timeLimitNanos)) {
			fellBehind();
			return false;
		}
		if (this.queue == null) {
			this.queue = new ArrayDeque<>();
		}
		this.queue.add(item);
		this.queued += size;
		return true;
	}

	/** Called holding the lock: the first batch to send, or {@code null} if a send is on the wire or nothing waits. */
	private @Nullable Object startSending() {
		ArrayDeque<Object> waiting = this.queue;
		if (this.closed || this.sending || waiting == null || waiting.isEmpty()) {
			return null;
		}
		this.sending = true;
		return drain(waiting);
	}

	/**
	 * Sends batches until the outbox is empty or a send is left in flight. A send that completes
	 * before it returns (the blocking fallback) continues here instead of in its callback, so the
	 * stack does not grow; Tomcat always completes on another thread, where {@link InFlight}
	 * continues.
	 */
	private void pump(@Nullable Object first) {
		Object batch = first;
		while (batch != null) {
			InFlight send = new InFlight();
			try {
				write(batch, send);
			}
			catch (RuntimeException | IOException ex) {
				failed(ex);
				return;
			}
			if (send.state.compareAndSet(InFlight.PENDING, InFlight.RETURNED)) {
				return;
			}
			batch = next(send.result);
		}
	}

	/** Starts sending a batch: UTF-8 text ({@code ByteBuffer}) or a binary message. */
	private void write(Object batch, InFlight send) throws IOException {
		RemoteEndpoint.Async async = this.remote;
		if (async == null) {
			WebSocketMessage<?> message = (batch instanceof ByteBuffer text)
					? new TextMessage(StandardCharsets.UTF_8.decode(text).toString()) : (WebSocketMessage<?>) batch;
			// Blocking, and one at a time: the outbox has at most one send on the wire.
			getDelegate().sendMessage(message);
			send.onResult(new SendResult(this.nativeSession));
		}
		else if (batch instanceof PingMessage ping) {
			// Control frames have no asynchronous send; with nothing else on the wire it does not wait.
			async.sendPing(ping.getPayload());
			send.onResult(new SendResult(this.nativeSession));
		}
		else if (!(batch instanceof ByteBuffer text)) {
			async.sendBinary(((BinaryMessage) batch).getPayload(), send);
		}
		else if (this.encodedTextTarget != null) {
			EncodedText.send(this.encodedTextTarget, text, send);
		}
		else {
			async.sendText(StandardCharsets.UTF_8.decode(text).toString(), send);
		}
	}

	/** The next batch once a send completed, or {@code null} when there is nothing left to send. */
	private @Nullable Object next(@Nullable SendResult result) {
		if (result == null || !result.isOK()) {
			failed(result != null ? result.getException() : null);
			return null;
		}
		CloseStatus closing;
		synchronized (this) {
			closing = this.closeWhenSent;
			ArrayDeque<Object> waiting = this.queue;
			if (this.closed || waiting == null || waiting.isEmpty()) {
				this.sending = false;
				this.queue = null;
				this.queued = 0;
				if (closing != null && !this.closed) {
					this.closed = true;
				}
				else {
					closing = null;
				}
			}
			else {
				return drain(waiting);
			}
		}
		if (closing != null) {
			closeQuietly(closing);
		}
		return null;
	}

	/**
	 * Called holding the lock: the next batch, a binary message or all text frames at the head
	 * of the queue joined into one message of at most {@link #BATCH_LIMIT} bytes (one larger
	 * frame goes alone).
	 */
	private Object drain(ArrayDeque<Object> waiting) {
		this.sendingSince = System.nanoTime();
		if (waiting.peek() instanceof WebSocketMessage<?> message) {
			this.queued -= message.getPayloadLength();
			return waiting.poll();
		}
		int frames = 0;
		int size = 0;
		for (Object item : waiting) {
			int frameSize = (item instanceof byte[][] parts) ? sizeOf(parts) : -1;
			if (frameSize < 0 || (frames > 0 && size + frameSize > BATCH_LIMIT)) {
				break;
			}
			frames++;
			size += frameSize;
		}
		ByteBuffer batch = ByteBuffer.allocate(size);
		for (int i = 0; i < frames; i++) {
			for (byte[] part : (byte[][]) waiting.poll()) {
				batch.put(part);
			}
		}
		this.queued -= size;
		return batch.flip();
	}

	private static int sizeOf(byte[][] parts) {
		int size = 0;
		for (byte[] part : parts) {
			size += part.length;
		}
		return size;
	}

	/** Called holding the lock. */
	private void fellBehind() {
		logger.info("Closing STOMP session {}: it fell behind ({} bytes waiting)", getId(), this.queued);
		if (closeAbruptly(SessionEnd.SLOW_CONSUMER.status())) {
			this.onEnded.accept(SessionEnd.SLOW_CONSUMER);
		}
	}

	/**
	 * Ends the session at once: what waits is dropped, the close frame goes out on another thread,
	 * and the connection is dropped soon even if the client never answers (it may be gone
	 * without a FIN). Never blocks.
	 */
	void terminate(SessionEnd end) {
		boolean ended;
		synchronized (this) {
			ended = closeAbruptly(end.status());
		}
		if (ended) {
			this.onEnded.accept(end);
		}
	}

	private void failed(@Nullable Throwable cause) {
		logger.debug("Could not deliver to STOMP session {}: {}", getId(), (cause != null) ? cause.toString() : "no result");
		synchronized (this) {
			closeAbruptly(CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	/**
	 * Called holding the lock: drops what waits and closes on another thread, never blocking the
	 * sender. False when the session was closed already.
	 */
	private boolean closeAbruptly(CloseStatus status) {
		if (this.closed) {
			return false;
		}
		this.closed = true;
		this.queue = null;
		this.queued = 0;
		if (this.nativeSession != null) {
			// The close frame waits behind the stalled send; do not let it wait Tomcat's default 20 s,
			// nor the connection wait 30 s for an answer that a vanished client never sends.
			this.nativeSession.getUserProperties().put(BLOCKING_SEND_TIMEOUT, CLOSE_SEND_TIMEOUT_MILLIS);
			this.nativeSession.getUserProperties().put(SESSION_CLOSE_TIMEOUT, SESSION_CLOSE_TIMEOUT_MILLIS);
		}
		Thread.ofVirtual().name("stomp-close-" + getId()).start(() -> closeQuietly(status));
		return true;
	}

	/**
	 * The size of a client message Spring's STOMP decoder accepts (it joins the parts the
	 * container delivers). Reported so that Spring's STOMP handler does not raise the container's
	 * per-session receive buffer to 16 KiB, which every idle session would then carry.
	 */
	@Override
	public int getTextMessageSizeLimit() {
		return StompConfig.MESSAGE_SIZE_LIMIT;
	}

	/** Ignored: see {@link #getTextMessageSizeLimit()}. */
	@Override
	public void setTextMessageSizeLimit(int messageSizeLimit) {
	}

	/** Closes once everything queued before is out (an ERROR frame before its close, say). */
	@Override
	public void close(CloseStatus status) throws IOException {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			if (this.sending) {
				this.closeWhenSent = status;
				return;
			}
			this.closed = true;
		}
		super.close(status);
	}

	private void closeQuietly(CloseStatus status) {
		try {
			super.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing STOMP session {} failed: {}", getId(), ex.toString());
		}
	}

	/** One send on the wire: who continues after it, the sender or the container's callback. */
	private final class InFlight implements SendHandler {

		static final int PENDING = 0;

		static final int COMPLETED = 1;

		static final int RETURNED = 2;

		final AtomicInteger state = new AtomicInteger(PENDING);

		volatile @Nullable SendResult result;

		@Override
		public void onResult(SendResult result) {
			this.result = result;
			if (!this.state.compareAndSet(PENDING, COMPLETED)) {
				// The sender already returned: continue on this (the container's) thread.
				pump(next(result));
			}
		}

	}

}
