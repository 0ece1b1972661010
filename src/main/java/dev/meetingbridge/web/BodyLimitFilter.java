package dev.meetingbridge.web;

import dev.meetingbridge.problem.ProblemResponses;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses request bodies over 64 KiB with 413: at once when the declared length is too
 * large, and while reading when a body without a length grows past it (nothing has
 * changed then: the body is read whole before anything is done with it).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class BodyLimitFilter implements WebFilter {

	static final long LIMIT = 64 * 1024;

	private final ProblemResponses problems;

	BodyLimitFilter(ProblemResponses problems) {
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!request.getPath().value().startsWith("/api/")) {
			return chain.filter(exchange);
		}
		long declared = request.getHeaders().getContentLength();
		if (declared > LIMIT) {
			return this.problems.write(exchange, new BodyTooLargeException(LIMIT));
		}
		LimitedRequest limited = new LimitedRequest(request);
		return chain.filter(exchange.mutate().request(limited).build());
	}

	private static final class LimitedRequest extends ServerHttpRequestDecorator {

		LimitedRequest(ServerHttpRequest delegate) {
			super(delegate);
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.defer(() -> {
				long[] count = new long[1];
				return super.getBody().handle((buffer, sink) -> {
					count[0] += buffer.readableByteCount();
					if (count[0] > LIMIT) {
						DataBufferUtils.release(buffer);
						sink.error(new BodyTooLargeException(LIMIT));
					}
					else {
						sink.next(buffer);
					}
				});
			});
		}

	}

}
