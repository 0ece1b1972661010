package dev.meetingbridge.problem;

import java.net.URI;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
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
		return write(exchange.getRequest(), exchange.getResponse(), refusal);
	}

	/**
	 * Writes the refusal as the whole response to the request, unless a response was
	 * already started.
	 */
	public Mono<Void> write(ServerHttpRequest request, ServerHttpResponse response, BridgeException refusal) {
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(refusal.problem().status());
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		addHeaders(refusal, headers);
		byte[] bytes = body(refusal, request.getPath().value());
		headers.setContentLength(bytes.length);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
	}

	/** The problem detail of a refusal of a request to the path, as JSON. */
	public byte[] body(BridgeException refusal, String path) {
		ProblemDetail body = ProblemDetails.of(refusal);
		body.setInstance(URI.create(path));
		return this.json.writeValueAsBytes(body);
	}

	/**
	 * The headers a refusal asks for: {@code Retry-After} when the client may retry
	 * later, {@code WWW-Authenticate} when it must authenticate: {@code Bearer} when it
	 * sent no token, with {@code error="invalid_token"} when the token it sent was
	 * refused.
	 */
	public static void addHeaders(BridgeException refusal, HttpHeaders headers) {
		if (refusal.retryAfter() != null) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
		}
		if (refusal.problem() == Problem.UNAUTHENTICATED) {
			headers.set(HttpHeaders.WWW_AUTHENTICATE, (refusal instanceof InvalidTokenException)
					? "Bearer error=\"invalid_token\", error_description=\"" + InvalidTokenException.DETAIL + "\""
					: "Bearer");
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
