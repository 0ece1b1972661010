package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Builds STOMP MESSAGE frames once per event: everything but the {@code subscription} header is
 * the same for every subscriber.
 */
final class StompFrames {

	private StompFrames() {
	}

	/**
	 * A MESSAGE frame in UTF-8, split around its subscription id: a subscriber's frame is
	 * {@code head}, its {@link Subscription#escapedId() id}, {@code tail}, sent as they are.
	 */
	record MessageFrame(byte[] head, byte[] tail) {

		byte[][] forSubscription(Subscription subscription) {
			return new byte[][] { this.head, subscription.escapedId(), this.tail };
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

	static byte[] receipt(String receiptId) {
		return ("RECEIPT\nreceipt-id:" + escapeHeader(receiptId) + "\n\n\0").getBytes(StandardCharsets.UTF_8);
	}

	static byte[] error(String message, @Nullable String receiptId) {
		String receipt = receiptId == null ? "" : "\nreceipt-id:" + escapeHeader(receiptId);
		return ("ERROR\nmessage:" + escapeHeader(message) + receipt + "\n\n\0").getBytes(StandardCharsets.UTF_8);
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
		return escaped == null ? value : escaped.toString();
	}

}
