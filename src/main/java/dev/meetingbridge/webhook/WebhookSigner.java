package dev.meetingbridge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} and base64 of HMAC-SHA256, keyed with the
 * secret's decoded bytes, over {@code {webhook-id}.{webhook-timestamp}.{body}}.
 */
final class WebhookSigner {

	/** Initialised with the key once; each signature works on a copy. */
	private final Mac prototype;

	WebhookSigner(byte[] key) {
		this.prototype = mac(key);
	}

	String sign(String id, long timestampSeconds, String body) {
		Mac mac;
		try {
			mac = (Mac) this.prototype.clone();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("HMAC-SHA256 cannot be copied", ex);
		}
		return sign(mac, id, timestampSeconds, body);
	}

	static String sign(byte[] key, String id, long timestampSeconds, String body) {
		return sign(mac(key), id, timestampSeconds, body);
	}

	private static String sign(Mac mac, String id, long timestampSeconds, String body) {
		byte[] signature = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
		return "v1," + Base64.getEncoder().encodeToString(signature);
	}

	private static Mac mac(byte[] key) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac;
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is unavailable", ex);
		}
	}

	/**
	 * Whether one of the space-separated signatures of a {@code webhook-signature} header
	 * is ours, compared in constant time.
	 */
	static boolean verify(byte[] key, String id, long timestampSeconds, String body, String header) {
		byte[] expected = sign(key, id, timestampSeconds, body).getBytes(StandardCharsets.UTF_8);
		for (String candidate : header.split(" ")) {
			if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
				return true;
			}
		}
		return false;
	}

}
