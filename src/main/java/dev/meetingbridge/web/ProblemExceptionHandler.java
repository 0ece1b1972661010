package dev.meetingbridge.web;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.problem.ProblemDetails;
import dev.meetingbridge.problem.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * What fails outside the controllers (in a filter, or a bug) also answers with a problem
 * detail, never an HTML page or a stack trace. Ahead of Spring Boot's own error handler.
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	private final ProblemResponses problems;

	ProblemExceptionHandler(ProblemResponses problems) {
		this.problems = problems;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof AbortedException) {
			// The client went away before the answer: nobody to tell.
			logger.debug("Request to {} aborted by the client", exchange.getRequest().getPath());
			return Mono.empty();
		}
		BridgeException refusal = ProblemDetails.refusal(ex);
		if (refusal == null && ex instanceof ResponseStatusException status
				&& status.getStatusCode().is4xxClientError()) {
			refusal = ProblemAdvice.unrouted(status.getStatusCode(), exchange);
			if (refusal == null) {
				Problem problem = Problem.forStatus(status.getStatusCode().value());
				refusal = new BridgeException(problem, problem.title());
			}
		}
		if (refusal == null) {
			logger.error("Request to {} failed", exchange.getRequest().getPath(), ex);
			refusal = new BridgeException(Problem.INTERNAL_ERROR, "The request could not be completed");
		}
		return this.problems.write(exchange, refusal);
	}

}
