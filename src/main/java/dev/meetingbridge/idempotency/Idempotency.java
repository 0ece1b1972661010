package dev.meetingbridge.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import dev.meetingbridge.problem.BridgeException;
import org.jspecify.annotations.Nullable;

/**
 * A request that carries an {@code Idempotency-Key}: where its record is kept and what
 * the request was. The key is scoped to the token's subject, so two callers may use the
 * same key; the record names the request by a fingerprint of its method, path and body,
 * so that the same key with another request is refused ({@code idempotency-key-reused}),
 * never answered with the other request's answer.
 *
 * @param recordId the record's id: derived from the subject and the key, never the key
 * itself
 * @param fingerprint the method, path and body the key was first used with
 */
public record Idempotency(String recordId, String fingerprint) {

	/** The REST header; STOMP SEND frames carry it as {@code idempotency-key}. */
	public static final String HEADER = "Idempotency-Key";

	private static final Pattern KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");

	/**
	 * The request's idempotency, or {@code null} when it carries no key; a malformed key
	 * is refused with {@code validation-failed} before anything happens.
	 * @param key the header's value, as received
	 * @param subject who the token acts as (a participant, or the server)
	 * @param method {@code POST}, {@code DELETE}, or {@code SEND} for STOMP
	 * @param path the request path or the STOMP destination
	 * @param body the request body in a canonical form ({@code ""} for none), so that the
	 * same JSON written differently is the same request
	 */
	public static @Nullable Idempotency of(@Nullable String key, String subject, String method, String path,
			String body) {
		if (key == null) {
			return null;
		}
		if (!KEY.matcher(key).matches() || key.isBlank()) {
			throw BridgeException.invalid(HEADER, "must be 1 to 255 printable ASCII characters");
		}
		return new Idempotency(digest(subject + "\n" + key), digest(method + " " + path + "\n" + body));
	}

	private static String digest(String text) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			// 128 bits: collisions between keys are out of reach, and the Redis keys stay
			// short.
			return HexFormat.of().formatHex(hash, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

}
