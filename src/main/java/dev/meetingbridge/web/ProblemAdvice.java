package dev.meetingbridge.web;

import java.util.List;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.problem.ProblemDetails;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every refusal as an RFC 9457 problem detail with the contract's {@code code}. Spring MVC's own
 * errors (unknown path, wrong method, wrong content type, unreadable body) get codes too.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProblemAdvice.class);

	static final String RETRY_AFTER_SECONDS = "2";

	@ExceptionHandler(BridgeException.class)
	ResponseEntity<ProblemDetail> refused(BridgeException ex) {
		ResponseEntity.BodyBuilder response = ResponseEntity.status(ex.problem().status())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (ex.retryAfter() != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()));
		}
		else if (ex.problem() == Problem.STORE_UNAVAILABLE) {
			response.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
		}
		return response.body(ProblemDetails.of(ex));
	}

	/** Redis unreachable, timed out or refusing: the request changed nothing and may be retried. */
	@ExceptionHandler({ RedisConnectionFailureException.class, RedisSystemException.class, DataAccessException.class })
	ResponseEntity<ProblemDetail> storeUnavailable(DataAccessException ex) {
		logger.warn("Redis failed: {}", ex.getMessage());
		return refused(new BridgeException(Problem.STORE_UNAVAILABLE, "The store is unavailable; retry shortly"));
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		BodyTooLargeException tooLarge = BodyTooLargeException.find(ex);
		if (tooLarge != null) {
			return problem(Problem.PAYLOAD_TOO_LARGE, tooLarge.getMessage(), headers);
		}
		BridgeException invalid = BridgeException.findIn(ex);
		if (invalid != null) {
			return refusedAsObject(invalid);
		}
		return problem(Problem.MALFORMED_JSON, "The request body is not valid JSON of the expected shape", headers);
	}

	/** A path variable that is not a valid id (see {@code IdBinding}): the id's own refusal. */
	@Override
	protected @Nullable ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		BridgeException invalid = BridgeException.findIn(ex);
		return invalid != null ? refusedAsObject(invalid) : super.handleTypeMismatch(ex, headers, status, request);
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private ResponseEntity<Object> refusedAsObject(BridgeException ex) {
		return (ResponseEntity) refused(ex);
	}

	@Override
	protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		if (body instanceof ProblemDetail detail && detail.getProperties() == null) {
			Problem problem = Problem.forStatus(statusCode.value());
			detail.setProperty("code", problem.code());
		}
		HttpHeaders responseHeaders = new HttpHeaders();
		responseHeaders.addAll(headers);
		responseHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return new ResponseEntity<>(body, responseHeaders, statusCode);
	}

	private ResponseEntity<Object> problem(Problem problem, @Nullable String detail, HttpHeaders headers) {
		HttpHeaders responseHeaders = new HttpHeaders();
		responseHeaders.addAll(headers);
		responseHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return new ResponseEntity<>(ProblemDetails.of(problem, detail == null ? problem.title() : detail, List.of()),
				responseHeaders, problem.status());
	}

}
