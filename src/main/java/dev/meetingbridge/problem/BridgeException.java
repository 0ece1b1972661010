package dev.meetingbridge.problem;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A refusal with a stable problem code. Thrown anywhere below the web and STOMP layers,
 * which turn it into a problem detail (REST) or an error message (STOMP).
 */
public class BridgeException extends RuntimeException {

	private final Problem problem;

	private final List<FieldError> errors;

	private final @Nullable Duration retryAfter;

	public BridgeException(Problem problem, String detail) {
		this(problem, detail, List.of(), null);
	}

	public BridgeException(Problem problem, String detail, List<FieldError> errors, @Nullable Duration retryAfter) {
		super(detail, null, false, false);
		this.problem = problem;
		this.errors = List.copyOf(errors);
		this.retryAfter = retryAfter;
	}

	/** A single invalid field. */
	public static BridgeException invalid(String field, String message) {
		return new BridgeException(Problem.VALIDATION_FAILED, "Invalid " + field + ": " + message,
				List.of(new FieldError(field, message)), null);
	}

	public static BridgeException forbidden(String detail) {
		return new BridgeException(Problem.FORBIDDEN, detail);
	}

	/**
	 * A path nothing answers: worded the same whichever handler found nothing, and naming
	 * neither the handler nor the path (the problem's {@code instance} names it).
	 */
	public static BridgeException noSuchPath() {
		return new BridgeException(Problem.NOT_FOUND, "Nothing is served at this path");
	}

	/**
	 * A method the path does not take; the {@code Allow} header, where the path exists,
	 * lists those it does.
	 */
	public static BridgeException methodNotAllowed(String method) {
		return new BridgeException(Problem.METHOD_NOT_ALLOWED, "Method " + method + " is not allowed at this path");
	}

	/**
	 * The refusal behind a failure, or null: a value that Jackson or a converter could
	 * not make (an invalid id in a body or a path) fails with the value's own refusal as
	 * a cause.
	 */
	public static @Nullable BridgeException findIn(@Nullable Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
			if (cause instanceof BridgeException refusal) {
				return refusal;
			}
		}
		return null;
	}

	public Problem problem() {
		return this.problem;
	}

	public List<FieldError> errors() {
		return this.errors;
	}

	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Whole seconds to wait before retrying, rounded up, at least 1 (the
	 * {@code Retry-After} header).
	 */
	public long retryAfterSeconds() {
		return this.retryAfter == null ? 1 : Math.max(1, (this.retryAfter.toMillis() + 999) / 1000);
	}

	/** One entry of a {@code validation-failed} problem's {@code errors} list. */
	public record FieldError(String field, String message) {
	}

}
