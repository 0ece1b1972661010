package spike;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The one STOMP MESSAGE frame of the spike, pre-encoded once: a shared head (command + headers up to
 * "subscription:"), the per-session subscription id, and a shared tail ("\n\n" + JSON body + NUL).
 */
public final class Frame {

	public static final String JSON = "{\"type\":\"chat-message\",\"meetingId\":\"m\","
			+ "\"id\":\"msg-7f3a9c\","
			+ "\"sender\":{\"participantId\":\"p-42\",\"displayName\":\"Ada Lovelace\"},"
			+ "\"text\":\"Hi all, slides are up in the shared folder.\",\"sentAt\":\"2025-05-04T10:15:30.123Z\"}";

	private static final byte[] BODY = JSON.getBytes(StandardCharsets.UTF_8);

	public static final byte[] HEAD = ("MESSAGE\ndestination:/topic/meetings/m/chat-message\n"
			+ "content-type:application/json\ncontent-length:" + BODY.length + "\nmessage-id:m-1\nsubscription:")
		.getBytes(StandardCharsets.UTF_8);

	public static final byte[] TAIL;

	static {
		TAIL = new byte[2 + BODY.length + 1];
		TAIL[0] = '\n';
		TAIL[1] = '\n';
		System.arraycopy(BODY, 0, TAIL, 2, BODY.length);
		TAIL[TAIL.length - 1] = 0;
	}

	private Frame() {
	}

	/** A fresh byte[] holding the complete frame for one subscription id. */
	public static byte[] build(byte[] id) {
		byte[] out = new byte[HEAD.length + id.length + TAIL.length];
		System.arraycopy(HEAD, 0, out, 0, HEAD.length);
		System.arraycopy(id, 0, out, HEAD.length, id.length);
		System.arraycopy(TAIL, 0, out, HEAD.length + id.length, TAIL.length);
		return out;
	}

	/** The "sub" query parameter of the handshake URI (the load client sends sub-N). */
	public static byte[] subscriptionOf(URI uri) {
		String q = (uri != null) ? uri.getRawQuery() : null;
		if (q != null) {
			for (String p : q.split("&")) {
				if (p.startsWith("sub=")) {
					return p.substring(4).getBytes(StandardCharsets.UTF_8);
				}
			}
		}
		return "sub-0".getBytes(StandardCharsets.UTF_8);
	}

}
