package dev.meetingbridge.problem;

import java.net.URI;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The one writer of refusals: REST controllers, filters and security answer with the same
 * {@code application/problem+json} body and headers, and STOMP error messages carry the
 * same body.
 */
@Component
public class ProblemResponses {

	private final JsonMapper json;

	public ProblemResponses(JsonMapper json) {
		this.json = json;
	}

	/**
	 * Writes the refusal as the whole response, unless a response was already started.
	 */
	public Mono<Void> write(ServerWebExchange exchange, BridgeException refusal) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(refusal.problem().status());
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		addHeaders(refusal, headers);
		ProblemDetail body = ProblemDetails.of(refusal);
		body.setInstance(URI.create(exchange.getRequest().getPath().value()));
		byte[] bytes = this.json.writeValueAsBytes(body);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
	}

	/**
	 * The headers a refusal asks for: {@code Retry-After} when the client may retry
	 * later, {@code WWW-Authenticate} when it must authenticate.
	 */
	public static void addHeaders(BridgeException refusal, HttpHeaders headers) {
		if (refusal.retryAfter() != null) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
		}
		if (refusal.problem() == Problem.UNAUTHENTICATED) {
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
	}

	/**
	 * The body of a STOMP error message: the problem detail, with {@code retryAfter} in
	 * seconds where it applies.
	 */
	public byte[] messageBody(BridgeException refusal) {
		ProblemDetail body = ProblemDetails.of(refusal);
		if (refusal.retryAfter() != null) {
			body.setProperty("retryAfter", refusal.retryAfterSeconds());
		}
		return this.json.writeValueAsBytes(body);
	}

}
