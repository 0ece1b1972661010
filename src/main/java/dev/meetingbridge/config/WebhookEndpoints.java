package dev.meetingbridge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The webhook endpoints of {@code bridge.webhooks}, checked at start-up: a bad URL, a
 * secret that is not {@code whsec_} and base64 of 24 to 64 bytes, or an unknown event
 * type stops the instance with a message that names the property (never the secret).
 */
@Component
public class WebhookEndpoints {

	/** The event types an endpoint may list in {@code .events}. */
	public static final Set<String> EVENT_TYPES = Set.of("participant-joined", "participant-left", "chat-message",
			"connection-open", "connection-close", "meeting-ended");

	private static final String SECRET_PREFIX = "whsec_";

	private final List<WebhookEndpoint> endpoints;

	WebhookEndpoints(BridgeProperties properties) {
		this.endpoints = parse(properties.webhooks());
	}

	/** The endpoints of the settings, checked as at start-up. */
	public static List<WebhookEndpoint> parse(BridgeProperties.Webhooks webhooks) {
		List<WebhookEndpoint> all = new ArrayList<>();
		List<BridgeProperties.Webhooks.Endpoint> configured = webhooks.endpoints();
		for (int i = 0; i < configured.size(); i++) {
			BridgeProperties.Webhooks.Endpoint endpoint = configured.get(i);
			String property = "bridge.webhooks.endpoints[" + i + "]";
			all.add(endpoint(property + ".url", endpoint.url(), property + ".secret", endpoint.secret(),
					property + ".events", endpoint.events()));
		}
		if (webhooks.url() != null || webhooks.secret() != null) {
			all.add(endpoint("bridge.webhooks.url (BRIDGE_WEBHOOKS_URL)", webhooks.url(),
					"bridge.webhooks.secret (BRIDGE_WEBHOOKS_SECRET)", webhooks.secret(), "", List.of()));
		}
		if (!all.isEmpty() && webhooks.leaseTtl().compareTo(webhooks.timeout()) <= 0) {
			// An attempt must end while its deliverer still holds the meeting.
			throw new IllegalStateException("bridge.webhooks.lease-ttl must be longer than bridge.webhooks.timeout");
		}
		Set<String> ids = new LinkedHashSet<>();
		for (WebhookEndpoint endpoint : all) {
			if (!ids.add(endpoint.id())) {
				throw new IllegalStateException(
						"bridge.webhooks: the endpoint " + endpoint.safeUrl() + " is configured twice");
			}
		}
		return List.copyOf(all);
	}

	/** Every endpoint, in configuration order. */
	public List<WebhookEndpoint> all() {
		return this.endpoints;
	}

	public boolean any() {
		return !this.endpoints.isEmpty();
	}

	private static WebhookEndpoint endpoint(String urlProperty, @Nullable String url, String secretProperty,
			@Nullable String secret, String eventsProperty, List<String> events) {
		URI uri = url(urlProperty, url);
		byte[] key = key(secretProperty, secret);
		Set<String> types = new LinkedHashSet<>();
		for (String type : events) {
			String trimmed = type.strip();
			if (!EVENT_TYPES.contains(trimmed)) {
				throw new IllegalStateException(eventsProperty + ": unknown event type '" + trimmed + "' (one of "
						+ String.join(", ", EVENT_TYPES) + ")");
			}
			types.add(trimmed);
		}
		return new WebhookEndpoint(id(uri), uri, withoutCredentials(uri), key, Set.copyOf(types));
	}

	private static URI url(String property, @Nullable String url) {
		if (url == null || url.isBlank()) {
			throw new IllegalStateException(property + " is required");
		}
		try {
			URI uri = new URI(url.strip());
			String scheme = uri.getScheme();
			if (!uri.isAbsolute() || uri.getHost() == null
					|| !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
				throw new IllegalStateException(property + " must be an absolute http or https URL");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(property + " is not a valid URL");
		}
	}

	/**
	 * The HMAC key of a Standard Webhooks secret. The message names the property only:
	 * secrets are never logged.
	 */
	static byte[] key(String property, @Nullable String secret) {
		String rule = property + " must be 'whsec_' followed by base64 of 24 to 64 random bytes";
		if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
			throw new IllegalStateException(rule);
		}
		byte[] key;
		try {
			key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(rule);
		}
		if (key.length < 24 || key.length > 64) {
			throw new IllegalStateException(rule);
		}
		return key;
	}

	/** The URL as it may be logged and shown: without user name or password. */
	static String withoutCredentials(URI uri) {
		if (uri.getRawUserInfo() == null) {
			return uri.toString();
		}
		try {
			return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
					uri.getFragment())
				.toString();
		}
		catch (URISyntaxException ex) {
			return uri.getScheme() + "://" + uri.getHost();
		}
	}

	private static String id(URI uri) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(uri.toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
