package dev.meetingbridge.problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 bodies of the contract: {@code type}, {@code title}, {@code status}, {@code detail}, {@code code}. */
public final class ProblemDetails {

	private ProblemDetails() {
	}

	public static ProblemDetail of(Problem problem, String detail) {
		return of(problem, detail, List.of());
	}

	public static ProblemDetail of(Problem problem, String detail, List<BridgeException.FieldError> errors) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(problem.status(), detail);
		body.setTitle(problem.title());
		body.setProperty("code", problem.code());
		if (!errors.isEmpty()) {
			body.setProperty("errors", errors);
		}
		return body;
	}

	public static ProblemDetail of(BridgeException ex) {
		return of(ex.problem(), ex.getMessage(), ex.errors());
	}

	/** The same fields as a plain map, for STOMP error messages. */
	public static Map<String, Object> asMap(BridgeException ex) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		body.put("title", ex.problem().title());
		body.put("status", ex.problem().status().value());
		body.put("detail", ex.getMessage());
		body.put("code", ex.problem().code());
		if (!ex.errors().isEmpty()) {
			body.put("errors", ex.errors());
		}
		if (ex.retryAfter() != null) {
			body.put("retryAfter", ex.retryAfterSeconds());
		}
		return body;
	}

}
