package dev.meetingbridge.web;

import java.nio.charset.StandardCharsets;

import dev.meetingbridge.idempotency.Replayed;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.problem.ProblemDetails;
import dev.meetingbridge.problem.ProblemResponses;
import dev.meetingbridge.security.ResponseHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;

/**
 * Writes what {@link ApiEdge} answers: a controller method's result, an idempotent replay
 * or a refusal, each with the protective headers every answer carries, and times it in
 * the API's metrics. The bodies and headers are those the controllers and
 * {@link ProblemAdvice} give the requests the framework answers.
 */
@Component
class ApiResponseWriter {

	private static final Logger logger = LoggerFactory.getLogger(ApiResponseWriter.class);

	private final ProblemResponses problems;

	private final JsonMapper json;

	private final ApiMetrics metrics;

	ApiResponseWriter(ProblemResponses problems, JsonMapper json, ApiMetrics metrics) {
		this.problems = problems;
		this.json = json;
		this.metrics = metrics;
	}

	/** A controller method's result as status and body. */
	Answer answer(@Nullable Object result) {
		if (result instanceof ResponseEntity<?> entity) {
			Object body = entity.getBody();
			return new Answer(entity.getStatusCode().value(),
					(body != null) ? this.json.writeValueAsBytes(body) : null);
		}
		return (result != null) ? new Answer(200, this.json.writeValueAsBytes(result)) : new Answer(204, null);
	}

	/** A controller method's answer: a status and, unless it is 204, a JSON body. */
	record Answer(int status, byte @Nullable [] body) {
	}

	Mono<Void> write(ServerHttpRequest request, ServerHttpResponse response, Answer answer, ApiRoutes.Route route,
			long started) {
		response.setStatusCode(HttpStatus.valueOf(answer.status()));
		HttpHeaders headers = response.getHeaders();
		byte[] body = answer.body();
		if (body != null) {
			headers.setContentType(MediaType.APPLICATION_JSON);
			headers.setContentLength(body.length);
		}
		return send(request, response, body, route, started, null);
	}

	/**
	 * Answers a request that failed: an idempotent replay as the answer it replays, a
	 * refusal as its problem detail, anything else (a bug, logged) as an internal error
	 * without internals.
	 */
	Mono<Void> refuse(ServerHttpRequest request, ServerHttpResponse response, Throwable failure, ApiRoutes.Route route,
			long started) {
		if (failure instanceof Replayed replayed) {
			response.getHeaders().set(ReplayedAnswers.HEADER, "true");
			byte[] body = replayed.body().isEmpty() ? null : replayed.body().getBytes(StandardCharsets.UTF_8);
			return write(request, response, new Answer(replayed.status(), body), route, started);
		}
		BridgeException refusal = refusal(failure);
		response.setStatusCode(refusal.problem().status());
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		ProblemResponses.addHeaders(refusal, headers);
		byte[] body = this.problems.body(refusal, request.getPath().value());
		headers.setContentLength(body.length);
		return send(request, response, body, route, started, refusal);
	}

	private static BridgeException refusal(Throwable failure) {
		if (failure instanceof DataBufferLimitException) {
			return new BodyTooLargeException(BodyLimitFilter.LIMIT);
		}
		BridgeException refusal = ProblemDetails.refusal(failure);
		if (refusal == null) {
			logger.error("A REST request failed", failure);
			return new BridgeException(Problem.INTERNAL_ERROR, "The request could not be completed");
		}
		if (refusal.problem() == Problem.STORE_UNAVAILABLE && failure instanceof DataAccessException) {
			logger.warn("Redis failed: {}", failure.getMessage());
		}
		return refusal;
	}

	private Mono<Void> send(ServerHttpRequest request, ServerHttpResponse response, byte @Nullable [] body,
			ApiRoutes.Route route, long started, @Nullable BridgeException refusal) {
		ResponseHeaders.write(response.getHeaders(), response.getStatusCode(), request);
		this.metrics.record(route, response.getStatusCode(), refusal, System.nanoTime() - started);
		if (body == null) {
			return response.setComplete();
		}
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

}
