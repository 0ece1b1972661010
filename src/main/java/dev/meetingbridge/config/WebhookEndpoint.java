package dev.meetingbridge.config;

import java.net.URI;
import java.util.Set;

/**
 * One configured webhook endpoint: a short stable id (derived from the URL, used in Redis
 * keys), where to post, the URL without credentials (the only form that is logged or
 * shown), the HMAC key (the secret's decoded bytes), and the event types it receives
 * (empty: all).
 */
public record WebhookEndpoint(String id, URI url, String safeUrl, byte[] key, Set<String> events) {

	/** Whether the endpoint receives events of this type. */
	public boolean wants(String eventType) {
		return this.events.isEmpty() || this.events.contains(eventType);
	}

	@Override
	public String toString() {
		// Never the key.
		return this.safeUrl;
	}

}
