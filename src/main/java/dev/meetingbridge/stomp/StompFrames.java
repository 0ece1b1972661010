package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * The frames the bridge writes, encoded once as UTF-8. MESSAGE frames of an event are
 * built once per event: everything but the {@code subscription} header is the same for
 * every subscriber, and each subscriber's copy is written as one complete WebSocket text
 * frame.
 */
final class StompFrames {

	/** The STOMP heart-beat: an end of line. */
	static final byte[] HEARTBEAT = { '\n' };

	private StompFrames() {
	}

	/**
	 * A MESSAGE frame in UTF-8, split around its subscription id: a subscriber's frame is
	 * {@code head}, its {@link Subscription#escapedId() id}, {@code tail}.
	 */
	record MessageFrame(byte[] head, byte[] tail) {

		/**
		 * The subscriber's copy, as a whole WebSocket text frame ready for the socket.
		 */
		ByteBuf forSubscription(ByteBufAllocator allocator, Subscription subscription) {
			return webSocketFrame(allocator, this.head, subscription.escapedId(), this.tail);
		}

	}

	static MessageFrame message(String destination, String messageId, String jsonBody) {
		byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
		String head = "MESSAGE\ndestination:" + escapeHeader(destination) + "\ncontent-type:application/json"
				+ "\ncontent-length:" + body.length + "\nmessage-id:" + escapeHeader(messageId) + "\nsubscription:";
		byte[] tail = new byte[body.length + 3];
		tail[0] = '\n';
		tail[1] = '\n';
		System.arraycopy(body, 0, tail, 2, body.length);
		tail[tail.length - 1] = 0;
		return new MessageFrame(head.getBytes(StandardCharsets.UTF_8), tail);
	}

	/**
	 * A MESSAGE on a session's own queue (its error queue): one subscription, JSON body.
	 */
	static byte[] queueMessage(String destination, String subscriptionId, String messageId, byte[] jsonBody) {
		MessageFrame frame = message(destination, messageId, new String(jsonBody, StandardCharsets.UTF_8));
		byte[] id = escapeHeader(subscriptionId).getBytes(StandardCharsets.UTF_8);
		byte[] whole = new byte[frame.head().length + id.length + frame.tail().length];
		System.arraycopy(frame.head(), 0, whole, 0, frame.head().length);
		System.arraycopy(id, 0, whole, frame.head().length, id.length);
		System.arraycopy(frame.tail(), 0, whole, frame.head().length + id.length, frame.tail().length);
		return whole;
	}

	/**
	 * CONNECTED: STOMP 1.2 and the heart-beats the server sends and expects, in
	 * milliseconds.
	 */
	static byte[] connected(long serverSends, long serverExpects, String userName) {
		return ("CONNECTED\nversion:1.2\nheart-beat:" + serverSends + "," + serverExpects + "\nuser-name:"
				+ escapeHeader(userName) + "\n\n\0")
			.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] receipt(String receiptId) {
		return ("RECEIPT\nreceipt-id:" + escapeHeader(receiptId) + "\n\n\0").getBytes(StandardCharsets.UTF_8);
	}

	static byte[] error(String message, @Nullable String receiptId) {
		return error(message, receiptId, new byte[0]);
	}

	/**
	 * ERROR: the {@code message} header ({@code code: detail}) for clients that read only
	 * headers, and the problem detail as a JSON body, as on the error queue.
	 */
	static byte[] error(String message, @Nullable String receiptId, byte[] problemJson) {
		String receipt = receiptId == null ? "" : "\nreceipt-id:" + escapeHeader(receiptId);
		String body = (problemJson.length == 0) ? ""
				: "\ncontent-type:application/json\ncontent-length:" + problemJson.length;
		byte[] head = ("ERROR\nmessage:" + escapeHeader(message) + receipt + body + "\n\n")
			.getBytes(StandardCharsets.UTF_8);
		byte[] whole = new byte[head.length + problemJson.length + 1];
		System.arraycopy(head, 0, whole, 0, head.length);
		System.arraycopy(problemJson, 0, whole, head.length, problemJson.length);
		return whole;
	}

	/**
	 * One unmasked, final WebSocket text frame (RFC 6455 section 5.2: a server never
	 * masks) holding the parts one after the other, in one buffer: one contiguous write
	 * per subscriber.
	 */
	static ByteBuf webSocketFrame(ByteBufAllocator allocator, byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		int header = (length < 126) ? 2 : (length <= 0xFFFF) ? 4 : 10;
		ByteBuf frame = allocator.directBuffer(header + length);
		frame.writeByte(0x81);
		if (length < 126) {
			frame.writeByte(length);
		}
		else if (length <= 0xFFFF) {
			frame.writeByte(126);
			frame.writeShort(length);
		}
		else {
			frame.writeByte(127);
			frame.writeLong(length);
		}
		for (byte[] part : parts) {
			frame.writeBytes(part);
		}
		return frame;
	}

	/** STOMP 1.2 header value escaping. */
	static String escapeHeader(String value) {
		StringBuilder escaped = null;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			String replacement = switch (c) {
				case '\\' -> "\\\\";
				case ':' -> "\\c";
				case '\n' -> "\\n";
				case '\r' -> "\\r";
				default -> null;
			};
			if (replacement != null && escaped == null) {
				escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
			}
			if (escaped != null) {
				if (replacement != null) {
					escaped.append(replacement);
				}
				else {
					escaped.append(c);
				}
			}
		}
		return (escaped != null) ? escaped.toString() : value;
	}

}
