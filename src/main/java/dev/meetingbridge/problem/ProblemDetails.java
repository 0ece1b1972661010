package dev.meetingbridge.problem;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.http.ProblemDetail;

/**
 * Builds the RFC 9457 bodies of the contract: {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code code}.
 */
public final class ProblemDetails {

	/** How long a client should wait before retrying after the store failed. */
	public static final Duration STORE_RETRY = Duration.ofSeconds(2);

	private ProblemDetails() {
	}

	/**
	 * The refusal a failure means to a client, the one mapping used by REST, security,
	 * filters and STOMP: a {@link BridgeException} as it is; Redis unreachable, timed out
	 * or refusing as {@code store-unavailable} (nothing changed, retry shortly);
	 * {@code null} for anything else, which is a bug the caller logs and answers as an
	 * internal error.
	 */
	public static @Nullable BridgeException refusal(Throwable failure) {
		BridgeException refusal = BridgeException.findIn(failure);
		if (refusal != null) {
			return refusal;
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataAccessException) {
				return new BridgeException(Problem.STORE_UNAVAILABLE, "The store is unavailable; retry shortly",
						List.of(), STORE_RETRY);
			}
		}
		return null;
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

}
