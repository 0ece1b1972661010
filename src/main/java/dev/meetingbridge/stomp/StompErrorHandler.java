package dev.meetingbridge.stomp;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.socket.messaging.StompSubProtocolErrorHandler;

/**
 * ERROR frames say what was refused ({@code forbidden: ...}, {@code unknown-destination: ...},
 * {@code unauthenticated: ...}) and never carry internals.
 */
class StompErrorHandler extends StompSubProtocolErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(StompErrorHandler.class);

	@Override
	public @Nullable Message<byte[]> handleClientMessageProcessingError(@Nullable Message<byte[]> clientMessage,
			Throwable ex) {
		StompRefusal refusal = find(ex);
		String header;
		if (refusal != null) {
			header = refusal.header();
		}
		else {
			logger.warn("A STOMP frame could not be processed", ex);
			header = "error: the frame could not be processed";
		}
		StompHeaderAccessor accessor = StompHeaderAccessor.create(StompCommand.ERROR);
		accessor.setMessage(header);
		accessor.setLeaveMutable(true);
		if (clientMessage != null) {
			StompHeaderAccessor client = StompHeaderAccessor.wrap(clientMessage);
			if (client.getReceipt() != null) {
				accessor.setReceiptId(client.getReceipt());
			}
		}
		return MessageBuilder.createMessage(new byte[0], accessor.getMessageHeaders());
	}

	private static @Nullable StompRefusal find(Throwable ex) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (current instanceof StompRefusal refusal) {
				return refusal;
			}
		}
		return null;
	}

}
