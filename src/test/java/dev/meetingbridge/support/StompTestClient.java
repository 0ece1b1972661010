package dev.meetingbridge.support;

import java.io.IOException;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.AbstractMessageConverter;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.awaitility.Awaitility.await;

/**
 * A real STOMP client (Spring's {@link WebSocketStompClient}) that records what it
 * receives: MESSAGE bodies per subscription, ERROR frames, and whether the connection is
 * still open.
 */
public final class StompTestClient implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final ThreadPoolTaskScheduler SCHEDULER = scheduler();

	private final WebSocketStompClient client;

	private final SocketCapturingClient sockets;

	private final Handler handler = new Handler();

	/**
	 * Every MESSAGE body, whichever subscription it came on, in the order the socket
	 * delivered them.
	 */
	private final List<JsonNode> arrivals = new CopyOnWriteArrayList<>();

	private StompSession session;

	private StompTestClient(SocketCapturingClient sockets) {
		this.sockets = sockets;
		this.client = newClient(sockets);
	}

	private static ThreadPoolTaskScheduler scheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(2);
		scheduler.setDaemon(true);
		scheduler.setThreadNamePrefix("test-stomp-heartbeat-");
		scheduler.initialize();
		return scheduler;
	}

	private static WebSocketStompClient newClient(SocketCapturingClient sockets) {
		WebSocketStompClient client = new WebSocketStompClient(sockets);
		client.setMessageConverter(new RawBytes());
		client.setTaskScheduler(SCHEDULER);
		client.setDefaultHeartbeat(new long[] { 10_000, 10_000 });
		client.setInboundMessageSizeLimit(1024 * 1024);
		return client;
	}

	/** Connects with {@code Authorization: Bearer <token>} and waits for CONNECTED. */
	public static StompTestClient connect(String url, String token) {
		StompHeaders headers = new StompHeaders();
		headers.add("Authorization", "Bearer " + token);
		return connect(url, headers);
	}

	/**
	 * Connects with the given CONNECT headers and waits for CONNECTED; fails if refused.
	 */
	public static StompTestClient connect(String url, StompHeaders connectHeaders) {
		StompTestClient client = attempt(url, connectHeaders);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> client.session != null || !client.handler.errors.isEmpty() || client.handler.closed);
		if (client.session == null) {
			throw new IllegalStateException("CONNECT refused: " + client.handler.errors);
		}
		return client;
	}

	/** Sends CONNECT with the given headers; the result may be connected or refused. */
	public static StompTestClient attempt(String url, StompHeaders connectHeaders) {
		StompTestClient client = new StompTestClient(new SocketCapturingClient());
		CompletableFuture<StompSession> future = client.client.connectAsync(url, new WebSocketHttpHeaders(),
				connectHeaders, client.handler);
		future.whenComplete((session, ex) -> {
			if (session != null) {
				client.session = session;
			}
			else {
				client.handler.closed = true;
			}
		});
		return client;
	}

	public boolean connected() {
		return this.session != null && this.session.isConnected() && !this.handler.closed;
	}

	/** ERROR frames' {@code message} headers, in order. */
	public List<String> errorFrames() {
		return this.handler.errors;
	}

	public boolean closed() {
		return this.handler.closed || (this.session != null && !this.session.isConnected());
	}

	/**
	 * The WebSocket close code the session ended with (4000: the bridge asks the client
	 * to reconnect and reload), or null while it is open.
	 */
	public @Nullable Integer closeCode() {
		CloseStatus status = this.sockets.closeStatus;
		return (status != null) ? status.getCode() : null;
	}

	/**
	 * Subscribes, and waits until the bridge has processed the SUBSCRIBE: its RECEIPT
	 * ({@link Received#confirmed()}), or, for a refused SUBSCRIBE, an ERROR frame or the
	 * closed connection.
	 */
	public Received subscribe(String destination) {
		Received received = new Received(destination, this.arrivals);
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setReceipt("r-" + System.nanoTime());
		int errorsBefore = this.handler.errors.size();
		StompSession.Subscription subscription = this.session.subscribe(headers, received);
		subscription.addReceiptTask(() -> received.confirmed = true);
		received.subscription = subscription;
		await().atMost(Duration.ofSeconds(10))
			.until(() -> received.confirmed || this.handler.errors.size() > errorsBefore || closed());
		return received;
	}

	/** Subscribes to all six topics of a meeting. */
	public Map<String, Received> subscribeAll(String meetingId) {
		java.util.LinkedHashMap<String, Received> all = new java.util.LinkedHashMap<>();
		for (String type : List.of("participant-joined", "participant-left", "chat-message", "connection-open",
				"connection-close", "meeting-ended")) {
			all.put(type, subscribe("/topic/meetings/" + meetingId + "/" + type));
		}
		return all;
	}

	public void send(String destination, Object body) {
		send(destination, body, Map.of());
	}

	/** A SEND with extra headers ({@code idempotency-key}, say). */
	public void send(String destination, Object body, Map<String, String> extra) {
		StompHeaders headers = new StompHeaders();
		extra.forEach(headers::add);
		headers.setDestination(destination);
		headers.setContentType(org.springframework.util.MimeTypeUtils.APPLICATION_JSON);
		this.session.send(headers,
				body instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body));
	}

	/**
	 * Waits until the bridge has handled every frame this client sent before: it handles
	 * a session's frames one at a time, in order, and confirms a SUBSCRIBE with a
	 * RECEIPT.
	 */
	public void sync() {
		Received barrier = subscribe("/user/queue/errors");
		if (!barrier.confirmed()) {
			throw new IllegalStateException("The bridge did not confirm a SUBSCRIBE: " + this.handler.errors);
		}
		barrier.unsubscribe();
	}

	/** MESSAGE bodies of all subscriptions, in arrival order. */
	public List<JsonNode> arrivals() {
		return this.arrivals;
	}

	/**
	 * Closes the WebSocket without a STOMP DISCONNECT, as a client that loses its
	 * connection would.
	 */
	public void closeSocket() {
		WebSocketSession socket = this.sockets.socket;
		if (socket == null) {
			throw new IllegalStateException("Not connected");
		}
		try {
			socket.close(CloseStatus.GOING_AWAY);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	public void disconnect() {
		if (this.session != null && this.session.isConnected()) {
			this.session.disconnect();
		}
	}

	@Override
	public void close() {
		try {
			disconnect();
		}
		catch (RuntimeException ex) {
			// The bridge (or its socket) is already gone: nothing left to say goodbye to.
		}
		this.client.stop();
	}

	/** What one subscription received, as JSON bodies, in arrival order. */
	public static final class Received implements StompFrameHandler {

		private final String destination;

		private final List<JsonNode> messages = new CopyOnWriteArrayList<>();

		private final List<JsonNode> arrivals;

		private StompSession.Subscription subscription;

		private volatile boolean confirmed;

		Received(String destination, List<JsonNode> arrivals) {
			this.destination = destination;
			this.arrivals = arrivals;
		}

		public List<JsonNode> messages() {
			return this.messages;
		}

		public int size() {
			return this.messages.size();
		}

		public String destination() {
			return this.destination;
		}

		/** Whether the bridge confirmed the SUBSCRIBE with a RECEIPT. */
		public boolean confirmed() {
			return this.confirmed;
		}

		/** Waits for a message that matches and returns it. */
		public JsonNode await(Predicate<JsonNode> matching) {
			return Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> this.messages.stream().filter(matching).findFirst(), Optional::isPresent)
				.orElseThrow();
		}

		/** Waits until at least {@code count} messages arrived. */
		public List<JsonNode> awaitSize(int count) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.messages.size() >= count);
			return this.messages;
		}

		public void unsubscribe() {
			this.subscription.unsubscribe();
		}

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return byte[].class;
		}

		@Override
		public void handleFrame(StompHeaders headers, Object payload) {
			JsonNode message = JSON.readTree((byte[]) payload);
			this.messages.add(message);
			this.arrivals.add(message);
		}

	}

	/**
	 * The standard client, keeping hold of the WebSocket so that a test can close it
	 * under STOMP's feet.
	 */
	private static final class SocketCapturingClient extends StandardWebSocketClient {

		private volatile WebSocketSession socket;

		private volatile @Nullable CloseStatus closeStatus;

		/**
		 * Its own message buffer sizes: the tests share the JVM with the bridge, which
		 * shrinks Tomcat's WebSocket defaults for its sessions (a client must take whole
		 * 8 KiB batches and single frames of a 4,096-character chat).
		 */
		SocketCapturingClient() {
			super(container());
		}

		private static WebSocketContainer container() {
			WebSocketContainer container = ContainerProvider.getWebSocketContainer();
			container.setDefaultMaxTextMessageBufferSize(1024 * 1024);
			container.setDefaultMaxBinaryMessageBufferSize(1024 * 1024);
			return container;
		}

		@Override
		protected CompletableFuture<WebSocketSession> executeInternal(WebSocketHandler handler, HttpHeaders headers,
				URI uri, List<String> protocols, List<WebSocketExtension> extensions, Map<String, Object> attributes) {
			WebSocketHandler recording = new WebSocketHandlerDecorator(handler) {
				@Override
				public void afterConnectionClosed(WebSocketSession session, CloseStatus status) throws Exception {
					SocketCapturingClient.this.closeStatus = status;
					super.afterConnectionClosed(session, status);
				}
			};
			return super.executeInternal(recording, headers, uri, protocols, extensions, attributes)
				.thenApply((socket) -> {
					this.socket = socket;
					return socket;
				});
		}

	}

	/** Hands every payload over as bytes, whatever its content type. */
	private static final class RawBytes extends AbstractMessageConverter {

		RawBytes() {
			super(List.of());
		}

		@Override
		protected boolean supports(Class<?> clazz) {
			return byte[].class == clazz;
		}

		@Override
		protected Object convertFromInternal(Message<?> message, Class<?> targetClass, Object conversionHint) {
			return message.getPayload();
		}

		@Override
		protected Object convertToInternal(Object payload, MessageHeaders headers, Object conversionHint) {
			return payload;
		}

	}

	private static final class Handler extends StompSessionHandlerAdapter {

		private final List<String> errors = new CopyOnWriteArrayList<>();

		private volatile boolean closed;

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return byte[].class;
		}

		@Override
		public void handleFrame(StompHeaders headers, Object payload) {
			String message = headers.getFirst("message");
			this.errors.add(message == null ? "" : message);
		}

		@Override
		public void handleException(StompSession session, StompCommand command, StompHeaders headers, byte[] payload,
				Throwable exception) {
			throw new IllegalStateException("The test client failed to handle a " + command + " frame", exception);
		}

		@Override
		public void handleTransportError(StompSession session, Throwable exception) {
			this.closed = true;
		}

	}

}
