package dev.meetingbridge.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.problem.BridgeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;

/**
 * {@code http.server.requests} for the requests {@link ApiEdge} answers, with the tags
 * Spring's own observation gives the others (method, uri template, status, outcome,
 * exception, error), one timer per combination, looked up without building tags per
 * request. The tag keys must be exactly Spring's: Prometheus refuses a second set of keys
 * under one name, so whichever kind of request came first would hide the other's.
 */
@Component
class ApiMetrics {

	private final MeterRegistry meters;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	ApiMetrics(MeterRegistry meters) {
		this.meters = meters;
	}

	void record(ApiRoutes.Route route, @Nullable HttpStatusCode status, @Nullable BridgeException refusal, long nanos) {
		int code = (status != null) ? status.value() : 200;
		String exception = (refusal != null) ? refusal.problem().code() : "none";
		String key = route.method().name() + ' ' + route.template() + ' ' + code + ' ' + exception;
		this.timers
			.computeIfAbsent(key,
					(name) -> Timer.builder("http.server.requests")
						.description("HTTP requests answered by the REST API")
						.tag("method", route.method().name())
						.tag("uri", route.template())
						.tag("status", Integer.toString(code))
						.tag("outcome", outcome(code))
						.tag("exception", exception)
						.tag("error", "none")
						.register(this.meters))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	private static String outcome(int status) {
		return switch (status / 100) {
			case 1 -> "INFORMATIONAL";
			case 2 -> "SUCCESS";
			case 3 -> "REDIRECTION";
			case 4 -> "CLIENT_ERROR";
			default -> "SERVER_ERROR";
		};
	}

}
