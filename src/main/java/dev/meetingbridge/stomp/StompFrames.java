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

	/** A MESSAGE frame split around its subscription id. */
	record MessageFrame(String head, String tail) {

		String forSubscription(Subscription subscription) {
			return this.head + subscription.escapedId() + this.tail;
		}

	}

	static MessageFrame message(String destination, String messageId, String jsonBody) {
		int length = jsonBody.getBytes(StandardCharsets.UTF_8).length;
		String head = "MESSAGE\ndestination:" + escapeHeader(destination) + "\ncontent-type:application/json"
				+ "\ncontent-length:" + length + "\nmessage-id:" + escapeHeader(messageId) + "\nsubscription:";
		String tail = "\n\n" + jsonBody + "\0";
		return new MessageFrame(head, tail);
	}

	static String receipt(String receiptId) {
		return "RECEIPT\nreceipt-id:" + escapeHeader(receiptId) + "\n\n\0";
	}

	static String error(String message, @Nullable String receiptId) {
		String receipt = receiptId == null ? "" : "\nreceipt-id:" + escapeHeader(receiptId);
		return "ERROR\nmessage:" + escapeHeader(message) + receipt + "\n\n\0";
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
