package dev.meetingbridge.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.IdFormat;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * The REST API's routes: for each method and path template, the controller method that
 * answers it and whether it reads a body. The controllers' annotations describe the same
 * API (the OpenAPI document is made from them; {@code ApiRoutesTests} holds the two
 * equal); {@link ApiEdge} dispatches through this table.
 * <p>
 * A path matches a template segment by segment, each variable being a valid id: any other
 * path (an invalid id, an encoded or empty segment) matches nothing, and is left to the
 * framework's refusals.
 */
@Component
class ApiRoutes {

	/** Whether a route reads a body. */
	enum Body {

		NONE, OPTIONAL, REQUIRED

	}

	/** What answers a route: a controller method, given the call. */
	@FunctionalInterface
	interface Handler {

		@Nullable Object handle(ApiCall call);

	}

	/**
	 * Whether a call may wait for Redis (and so runs on a virtual thread) or never does
	 * (and so is answered on the event loop that read it, with no thread hop).
	 */
	@FunctionalInterface
	interface Waits {

		Waits ALWAYS = (request) -> true;

		boolean test(ServerHttpRequest request);

	}

	/**
	 * What answers a route without waiting for Redis, when the call allows it: a Mono of
	 * what {@link Handler} returns, or null when this call takes the blocking path.
	 */
	@FunctionalInterface
	interface ReactiveHandler {

		@Nullable Mono<?> handle(ApiCall call);

	}

	record Route(HttpMethod method, String template, Body body, Handler handler, Waits waits,
			@Nullable ReactiveHandler reactive, String[] segments) {
	}

	record Match(Route route, Map<String, String> variables) {
	}

	private final List<Route> routes = new ArrayList<>();

	ApiRoutes(MeetingController meetings, ConnectionController connections, SwitchController switches,
			TokenController tokens, WebhookController webhooks) {
		String meeting = "/api/meetings/{meetingId}";
		String connection = meeting + "/connections/{connectionId}";
		add(HttpMethod.POST, "/api/meetings", Body.OPTIONAL, (call) -> meetings.create(call.principal(),
				call.optionalBody(Requests.CreateMeeting.class), key(call), call.request()));
		add(HttpMethod.GET, "/api/meetings", Body.NONE, (call) -> meetings.list(call.principal(), call.query("status"),
				call.query("cursor"), call.query("limit")));
		add(HttpMethod.GET, meeting, Body.NONE, (call) -> meetings.get(call.principal(), call.meetingId()));
		add(HttpMethod.POST, meeting + "/end", Body.NONE,
				(call) -> meetings.end(call.principal(), call.meetingId(), key(call), call.request()));
		addReactive(HttpMethod.POST, meeting + "/participants", Body.REQUIRED,
				(call) -> meetings.join(call.principal(), call.meetingId(), call.body(Requests.Join.class), key(call),
						call.request()),
				(call) -> meetings.joinReactive(call.principal(), call.meetingId(), call.body(Requests.Join.class)));
		add(HttpMethod.GET, meeting + "/participants", Body.NONE,
				(call) -> meetings.participants(call.principal(), call.meetingId()));
		addReactive(HttpMethod.DELETE, meeting + "/participants/{participantId}", Body.NONE,
				(call) -> meetings.leave(call.principal(), call.meetingId(), call.participantId(), key(call),
						call.request()),
				(call) -> meetings.leaveReactive(call.principal(), call.meetingId(), call.participantId()));
		add(HttpMethod.GET, meeting + "/events", Body.NONE, (call) -> meetings.events(call.principal(),
				call.meetingId(), call.query("after"), call.query("limit"), call.query("epoch")));
		add(HttpMethod.POST, meeting + "/connections", Body.REQUIRED, (call) -> connections.connect(call.principal(),
				call.meetingId(), call.body(Requests.Connect.class), key(call), call.request()));
		add(HttpMethod.GET, meeting + "/connections", Body.NONE,
				(call) -> connections.list(call.principal(), call.meetingId()));
		add(HttpMethod.GET, connection, Body.NONE,
				(call) -> connections.get(call.principal(), call.meetingId(), call.connectionId()));
		add(HttpMethod.DELETE, connection, Body.NONE, (call) -> connections.close(call.principal(), call.meetingId(),
				call.connectionId(), key(call), call.request()));
		addReactive(HttpMethod.POST, connection + "/chat-messages", Body.REQUIRED,
				(call) -> connections.sendChat(call.principal(), call.meetingId(), call.connectionId(),
						call.body(Requests.SendChat.class), key(call), call.request()),
				(call) -> connections.sendChatReactive(call.principal(), call.meetingId(), call.connectionId(),
						call.body(Requests.SendChat.class)));
		add(HttpMethod.POST, connection + "/end", Body.NONE, (call) -> connections.endOther(call.principal(),
				call.meetingId(), call.connectionId(), key(call), call.request()));
		add(HttpMethod.POST, connection + "/participants/{participantId}/switch", Body.REQUIRED,
				(call) -> switches.switchTo(call.principal(), call.meetingId(), call.connectionId(),
						call.participantId(), call.body(Requests.Switch.class), key(call), call.request()));
		// Minting reads Redis only to record or replay an Idempotency-Key.
		add(HttpMethod.POST, "/api/tokens", Body.REQUIRED, (call) -> tokens.mint(call.principal(),
				call.body(TokenController.MintRequest.class), key(call), call.request()),
				(request) -> request.getHeaders().containsHeader(Idempotency.HEADER));
		add(HttpMethod.GET, "/api/webhooks", Body.NONE, (call) -> webhooks.list(call.principal()));
	}

	private static @Nullable String key(ApiCall call) {
		return call.header(Idempotency.HEADER);
	}

	private void add(HttpMethod method, String template, Body body, Handler handler) {
		add(method, template, body, handler, Waits.ALWAYS);
	}

	private void add(HttpMethod method, String template, Body body, Handler handler, Waits waits) {
		this.routes.add(new Route(method, template, body, handler, waits, null, template.substring(1).split("/")));
	}

	/**
	 * A route that also answers without waiting for Redis: a call without an
	 * {@code Idempotency-Key} whose reactive handler takes it.
	 */
	private void addReactive(HttpMethod method, String template, Body body, Handler handler, ReactiveHandler reactive) {
		this.routes
			.add(new Route(method, template, body, handler, Waits.ALWAYS, reactive, template.substring(1).split("/")));
	}

	/** Every route, as method and template. */
	List<Route> all() {
		return List.copyOf(this.routes);
	}

	/** The route that answers the request, or null. */
	@Nullable Match match(HttpMethod method, String path) {
		String[] segments = path.substring(1).split("/", -1);
		for (Route route : this.routes) {
			if (route.method().equals(method)) {
				Map<String, String> variables = variables(route.segments(), segments);
				if (variables != null) {
					return new Match(route, variables);
				}
			}
		}
		return null;
	}

	private static @Nullable Map<String, String> variables(String[] template, String[] path) {
		if (template.length != path.length) {
			return null;
		}
		Map<String, String> variables = null;
		for (int i = 0; i < template.length; i++) {
			String expected = template[i];
			if (expected.startsWith("{")) {
				if (!IdFormat.isValid(path[i])) {
					return null;
				}
				if (variables == null) {
					variables = new HashMap<>(4);
				}
				variables.put(expected.substring(1, expected.length() - 1), path[i]);
			}
			else if (!expected.equals(path[i])) {
				return null;
			}
		}
		return (variables != null) ? variables : Map.of();
	}

}
