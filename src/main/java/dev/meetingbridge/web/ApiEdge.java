package dev.meetingbridge.web;

import java.util.List;
import java.util.concurrent.Executors;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.InvalidTokenException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.security.HeaderCharacters;
import dev.meetingbridge.security.TokenAuthenticator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.channel.AbortedException;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServerRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;

/**
 * The REST API's front door, in front of Spring WebFlux: a request that matches a route
 * of {@link ApiRoutes} is authenticated (the bearer token, verified by Spring Security's
 * JWT decoder through {@link TokenAuthenticator}), its body read and bound, its
 * controller method run on a virtual thread when it may wait for Redis (on the event loop
 * that read the request when it cannot), and its answer written by
 * {@link ApiResponseWriter}. Everything else (unknown paths, another method, a body that
 * is not JSON, an answer the client does not accept, headers or paths the firewall
 * refuses), and every path outside {@code /api}, goes on to WebFlux and Spring Security,
 * which refuse it with the same problem details.
 * <p>
 * Why: a REST call does little work of its own, so the generic machinery around it
 * (WebFlux's annotated dispatch, Spring Security's reactive filter chain, with their
 * operators, context look-ups and header copies) would be most of its cost; here a
 * matched route goes straight from the request to its controller method.
 */
@Component
class ApiEdge implements HttpHandlerDecoratorFactory, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ApiEdge.class);

	private final ApiRoutes routes;

	private final TokenAuthenticator authenticator;

	private final ApiResponseWriter writer;

	private final JsonMapper json;

	/** Controller methods wait for Redis: each request runs on a virtual thread. */
	private final Scheduler blocking = Schedulers
		.fromExecutorService(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("api-", 0).factory()));

	ApiEdge(ApiRoutes routes, TokenAuthenticator authenticator, ApiResponseWriter writer, JsonMapper json) {
		this.routes = routes;
		this.authenticator = authenticator;
		this.writer = writer;
		this.json = json;
	}

	@Override
	public HttpHandler apply(HttpHandler framework) {
		return (request, response) -> {
			String path = request.getPath().value();
			if (!path.startsWith("/api/")) {
				return framework.handle(request, response);
			}
			ApiRoutes.Match match = this.routes.match(request.getMethod(), path);
			if (match == null || !answerable(request, match.route())) {
				return framework.handle(request, response);
			}
			return handle(match, request, response);
		};
	}

	/**
	 * Whether this edge answers the request the way the framework would: JSON accepted, a
	 * body (if any) in JSON, headers the firewall allows. Otherwise the framework refuses
	 * it (406, 415, 400).
	 */
	private static boolean answerable(ServerHttpRequest request, ApiRoutes.Route route) {
		HttpHeaders headers = request.getHeaders();
		try {
			List<MediaType> accepted = headers.getAccept();
			if (!accepted.isEmpty() && accepted.stream().noneMatch(MediaType.APPLICATION_JSON::isCompatibleWith)) {
				return false;
			}
			if (route.body() != ApiRoutes.Body.NONE && hasBody(headers)) {
				MediaType type = headers.getContentType();
				if (type == null || !(MediaType.APPLICATION_JSON.isCompatibleWith(type)
						|| type.getSubtype().endsWith("+json"))) {
					return false;
				}
			}
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
		return (ServerHttpRequestDecorator.getNativeRequest(request) instanceof HttpServerRequest netty)
				? HeaderCharacters.acceptable(netty.requestHeaders().iteratorCharSequence())
				: HeaderCharacters.acceptable(headers);
	}

	private static boolean hasBody(HttpHeaders headers) {
		return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
	}

	private Mono<Void> handle(ApiRoutes.Match match, ServerHttpRequest request, ServerHttpResponse response) {
		long started = System.nanoTime();
		ApiRoutes.Route route = match.route();
		String token = bearerToken(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
		if (token == null) {
			return this.writer.refuse(request, response,
					new BridgeException(Problem.UNAUTHENTICATED, "A valid bearer token is required"), route, started);
		}
		BridgePrincipal principal = this.authenticator.authenticate(token);
		if (principal == null) {
			return this.writer.refuse(request, response, new InvalidTokenException(), route, started);
		}
		if (request.getHeaders().getContentLength() > BodyLimitFilter.LIMIT) {
			return this.writer.refuse(request, response, new BodyTooLargeException(BodyLimitFilter.LIMIT), route,
					started);
		}
		Mono<byte[]> body = (route.body() == ApiRoutes.Body.NONE) ? Mono.just(new byte[0])
				: DataBufferUtils.join(request.getBody(), (int) BodyLimitFilter.LIMIT).map((buffer) -> {
					byte[] bytes = new byte[buffer.readableByteCount()];
					buffer.read(bytes);
					DataBufferUtils.release(buffer);
					return bytes;
				}).defaultIfEmpty(new byte[0]);
		return body
			.flatMap((bytes) -> answered(route, new ApiCall(request, principal, match.variables(), bytes, this.json)))
			.flatMap((answer) -> this.writer.write(request, response, answer, route, started))
			.onErrorResume(AbortedException.class, (gone) -> {
				// The client closed its connection before the answer: nobody to tell.
				logger.debug("A REST client left before its answer: {}", gone.getMessage());
				return Mono.empty();
			})
			.onErrorResume((ex) -> this.writer.refuse(request, response, ex, route, started));
	}

	/**
	 * The call's answer: without waiting for Redis when the route's reactive handler
	 * takes the call (its answer goes on on the event loop that read the request),
	 * otherwise on a virtual thread when the call may wait for Redis, or here when it
	 * cannot.
	 */
	private Mono<ApiResponseWriter.Answer> answered(ApiRoutes.Route route, ApiCall call) {
		ApiRoutes.ReactiveHandler reactive = route.reactive();
		if (reactive != null && call.header(Idempotency.HEADER) == null) {
			Mono<?> result = reactive.handle(call);
			if (result != null) {
				return result.publishOn(eventLoopOf(call.request())).map(this.writer::answer);
			}
		}
		if (!route.waits().test(call.request())) {
			return Mono.just(this.writer.answer(route.handler().handle(call)));
		}
		return Mono.fromCallable(() -> this.writer.answer(route.handler().handle(call))).subscribeOn(this.blocking);
	}

	/** The event loop of the request's connection (or the calling thread). */
	private static Scheduler eventLoopOf(ServerHttpRequest request) {
		return (ServerHttpRequestDecorator.getNativeRequest(request) instanceof ChannelOperations<?, ?> operations)
				? Schedulers.fromExecutor(operations.channel().eventLoop()) : Schedulers.immediate();
	}

	private static @Nullable String bearerToken(@Nullable String authorization) {
		if (authorization == null || authorization.length() <= 7
				|| !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		return authorization.substring(7).strip();
	}

	@Override
	public void destroy() {
		this.blocking.dispose();
	}

}
