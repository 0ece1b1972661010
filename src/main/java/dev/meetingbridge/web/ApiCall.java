package dev.meetingbridge.web;

import java.util.List;
import java.util.Map;

import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.security.BridgePrincipal;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * One REST request as a route handler sees it: who sent it, its path variables (already
 * valid ids: a route matches only those), its query parameters and headers, and its body,
 * read as the route's type when asked for.
 */
final class ApiCall {

	private final ServerHttpRequest request;

	private final BridgePrincipal principal;

	private final Map<String, String> variables;

	private final byte[] body;

	private final JsonMapper json;

	ApiCall(ServerHttpRequest request, BridgePrincipal principal, Map<String, String> variables, byte[] body,
			JsonMapper json) {
		this.request = request;
		this.principal = principal;
		this.variables = variables;
		this.body = body;
		this.json = json;
	}

	ServerHttpRequest request() {
		return this.request;
	}

	BridgePrincipal principal() {
		return this.principal;
	}

	MeetingId meetingId() {
		return new MeetingId(variable("meetingId"));
	}

	ParticipantId participantId() {
		return new ParticipantId(variable("participantId"));
	}

	ConnectionId connectionId() {
		return new ConnectionId(variable("connectionId"));
	}

	private String variable(String name) {
		String value = this.variables.get(name);
		if (value == null) {
			throw new IllegalStateException("The route has no {" + name + "}");
		}
		return value;
	}

	/** A query parameter; given twice it is refused, as a single value is expected. */
	@Nullable String query(String name) {
		List<String> values = this.request.getQueryParams().get(name);
		if (values == null || values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw BridgeException.invalid(name, "must be given once");
		}
		return values.get(0);
	}

	@Nullable String header(String name) {
		return this.request.getHeaders().getFirst(name);
	}

	/**
	 * The body as the route's type; an empty or {@code null} body, JSON that does not
	 * parse or does not fit the type is {@code malformed-json}, a value a type refuses
	 * (an invalid id) is that refusal, naming its field.
	 */
	<T> T body(Class<T> type) {
		T value = optionalBody(type);
		if (value == null) {
			throw new BridgeException(Problem.MALFORMED_JSON, "The request body is missing");
		}
		return value;
	}

	/** As {@link #body}, but an empty body is {@code null}. */
	<T> @Nullable T optionalBody(Class<T> type) {
		if (this.body.length == 0) {
			return null;
		}
		try {
			return reader(type).readValue(this.body);
		}
		catch (JacksonException ex) {
			BridgeException refusal = BridgeException.findIn(ex);
			throw (refusal != null) ? refusal : new BridgeException(Problem.MALFORMED_JSON,
					"The request body is not valid JSON of the expected shape");
		}
	}

	private ObjectReader reader(Class<?> type) {
		return this.json.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

}
