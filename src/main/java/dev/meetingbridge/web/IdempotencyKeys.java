package dev.meetingbridge.web;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.security.BridgePrincipal;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * The {@code Idempotency-Key} of a REST request, scoped to the token's subject and naming
 * the request by its method, path and body (as bound, so that the same JSON written
 * differently is the same request).
 */
@Component
class IdempotencyKeys {

	private final JsonMapper json;

	IdempotencyKeys(JsonMapper json) {
		this.json = json;
	}

	@Nullable Idempotency of(@Nullable String key, BridgePrincipal who, ServerHttpRequest request, @Nullable Object b) {
		return Idempotency.of(key, who.subject(), request.getMethod().name(), request.getPath().value(),
				(b != null) ? this.json.writeValueAsString(b) : "");
	}

}
