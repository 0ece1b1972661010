package dev.meetingbridge.stomp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends text messages that are already UTF-8 through Tomcat. The standard API only takes a
 * {@code String}, which Tomcat encodes again for every session, character by character; the
 * profile of the fan-out showed that as its largest single cost (a frame built once is
 * encoded once per subscriber). Tomcat's endpoint has a method that sends a payload with any
 * opcode; this reaches it by reflection, once, at start-up.
 * <p>
 * Only for sessions whose data frames all go through one {@link OutboxSession} (one send in
 * flight at a time, as the WebSocket API requires anyway). If the method is not there (another
 * container, another Tomcat), {@link #target} answers {@code null} and the standard API is used.
 */
final class EncodedText {

	private static final Logger logger = LoggerFactory.getLogger(EncodedText.class);

	private static final byte TEXT_OPCODE = 0x1;

	/** {@code WsRemoteEndpointBase.base}: the Tomcat endpoint behind an {@code Async} remote. */
	private static final @Nullable MethodHandle ENDPOINT;

	/** {@code WsRemoteEndpointImplBase.startMessage(byte, ByteBuffer, boolean, SendHandler)}. */
	private static final @Nullable MethodHandle START_MESSAGE;

	private static final @Nullable Class<?> REMOTE_TYPE;

	static {
		MethodHandle endpoint = null;
		MethodHandle startMessage = null;
		Class<?> remoteType = null;
		try {
			ClassLoader loader = EncodedText.class.getClassLoader();
			remoteType = Class.forName("org.apache.tomcat.websocket.WsRemoteEndpointBase", false, loader);
			Class<?> endpointType = Class.forName("org.apache.tomcat.websocket.WsRemoteEndpointImplBase", false, loader);
			Field base = remoteType.getDeclaredField("base");
			base.setAccessible(true);
			Method start = endpointType.getDeclaredMethod("startMessage", byte.class, ByteBuffer.class, boolean.class,
					SendHandler.class);
			start.setAccessible(true);
			endpoint = MethodHandles.lookup().unreflectGetter(base);
			startMessage = MethodHandles.lookup().unreflect(start);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			logger.debug("Text frames go through the standard WebSocket API (no Tomcat endpoint to send UTF-8 to: {})",
					ex.toString());
			remoteType = null;
		}
		ENDPOINT = endpoint;
		START_MESSAGE = startMessage;
		REMOTE_TYPE = remoteType;
	}

	private EncodedText() {
	}

	/** Whether the Tomcat on the class path has the method (tests check it, so an upgrade cannot lose it quietly). */
	static boolean available() {
		return START_MESSAGE != null && ENDPOINT != null;
	}

	/** Tomcat's endpoint behind this remote, or {@code null} when pre-encoded text cannot be sent to it. */
	static @Nullable Object target(RemoteEndpoint.Async remote) {
		if (ENDPOINT == null || REMOTE_TYPE == null || !REMOTE_TYPE.isInstance(remote)) {
			return null;
		}
		try {
			return ENDPOINT.invoke(remote);
		}
		catch (Throwable ex) {
			logger.debug("No Tomcat endpoint behind {}: {}", remote, ex.toString());
			return null;
		}
	}

	/** Sends the bytes, which must be valid UTF-8, as one whole text message. */
	static void send(Object target, ByteBuffer utf8, SendHandler handler) {
		MethodHandle start = START_MESSAGE;
		if (start == null) {
			throw new IllegalStateException("No Tomcat endpoint to send UTF-8 to");
		}
		try {
			start.invoke(target, TEXT_OPCODE, utf8, true, handler);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

}
