package dev.meetingbridge.web;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.problem.ProblemDetails;
import dev.meetingbridge.problem.ProblemResponses;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Every refusal as an RFC 9457 problem detail with the contract's {@code code}. WebFlux's
 * own errors (unknown path, wrong method, wrong content type, unreadable body) get codes
 * too, and an unknown path or method the contract's wording rather than that of the
 * handler that refused it (the static resources' handler takes every path no route does).
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProblemAdvice.class);

	@ExceptionHandler(BridgeException.class)
	ResponseEntity<ProblemDetail> refused(BridgeException ex) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		ProblemResponses.addHeaders(ex, headers);
		return new ResponseEntity<>(ProblemDetails.of(ex), headers, ex.problem().status());
	}

	/**
	 * Redis unreachable, timed out or refusing: the request changed nothing and may be
	 * retried.
	 */
	@ExceptionHandler(DataAccessException.class)
	ResponseEntity<ProblemDetail> storeUnavailable(DataAccessException ex) {
		logger.warn("Redis failed: {}", ex.getMessage());
		return refused(ProblemDetails.refusal(ex));
	}

	/**
	 * A body larger than the codecs hold in memory; the body limit filter normally
	 * refuses it first.
	 */
	@ExceptionHandler(DataBufferLimitException.class)
	ResponseEntity<ProblemDetail> tooLarge(DataBufferLimitException ex) {
		return refused(new BridgeException(Problem.PAYLOAD_TOO_LARGE, "The request body is too large"));
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		BridgeException found = ProblemDetails.refusal(ex);
		BridgeException refusal = (found != null) ? found
				: (find(ex, DataBufferLimitException.class) != null)
						? new BridgeException(Problem.PAYLOAD_TOO_LARGE, "The request body is too large")
						: new BridgeException(Problem.MALFORMED_JSON,
								"The request body is not valid JSON of the expected shape");
		return Mono.just(ResponseEntity.status(refusal.problem().status())
			.headers((response) -> ProblemResponses.addHeaders(refusal, response))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(ProblemDetails.of(refusal)));
	}

	@Override
	protected Mono<ResponseEntity<Object>> createResponseEntity(@Nullable Object body, @Nullable HttpHeaders headers,
			HttpStatusCode status, ServerWebExchange exchange) {
		if (body instanceof ProblemDetail detail) {
			BridgeException unrouted = unrouted(status, exchange);
			if (unrouted != null) {
				detail.setTitle(unrouted.problem().title());
				detail.setDetail(unrouted.getMessage());
			}
			if (detail.getProperties() == null || !detail.getProperties().containsKey("code")) {
				detail.setProperty("code", Problem.forStatus(status.value()).code());
			}
		}
		HttpHeaders responseHeaders = new HttpHeaders();
		if (headers != null) {
			responseHeaders.addAll(headers);
		}
		responseHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return Mono.just(new ResponseEntity<>(body, responseHeaders, status));
	}

	/** The refusal of an unknown path or method, or null for any other status. */
	static @Nullable BridgeException unrouted(HttpStatusCode status, ServerWebExchange exchange) {
		return switch (status.value()) {
			case 404 -> BridgeException.noSuchPath();
			case 405 -> BridgeException.methodNotAllowed(exchange.getRequest().getMethod().name());
			default -> null;
		};
	}

	private static <T extends Throwable> @Nullable T find(Throwable ex, Class<T> type) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
		}
		return null;
	}

}
