package spike;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

/**
 * Variants (c) netty-reactive ({@code --spike.mode=reactive}) and (d) netty-direct
 * ({@code --spike.mode=direct}) on WebFlux + Reactor Netty.
 */
@SpringBootApplication
@RestController
public class ReactiveSpike {

	private static final ByteBuf HEAD = Unpooled
		.unreleasableBuffer(Unpooled.directBuffer(Frame.HEAD.length).writeBytes(Frame.HEAD))
		.asReadOnly();

	private static final ByteBuf TAIL = Unpooled
		.unreleasableBuffer(Unpooled.directBuffer(Frame.TAIL.length).writeBytes(Frame.TAIL))
		.asReadOnly();

	private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private final Pacer pacer = new Pacer();

	private final AtomicLong errors = new AtomicLong();

	/** (c): one unicast sink per session, fed by the broadcaster. */
	private final Map<String, ReactiveSub> reactiveSubs = new ConcurrentHashMap<>();

	/** (d): sessions grouped by the event loop of their channel. */
	private final Map<EventLoop, Set<DirectSub>> directSubs = new ConcurrentHashMap<>();

	private final boolean direct;

	record ReactiveSub(Sinks.Many<byte[]> sink, byte[] id) {
	}

	record DirectSub(Channel channel, byte[] id) {
	}

	public ReactiveSpike(@Value("${spike.mode:reactive}") String mode) {
		this.direct = "direct".equals(mode);
	}

	public static void main(String[] args) {
		SpringApplication.run(ReactiveSpike.class, args);
	}

	@Bean
	NettyServerCustomizer channelGroupCustomizer() {
		return (server) -> server.doOnConnection((connection) -> this.channels.add(connection.channel()));
	}

	@Bean
	HandlerMapping webSocketMapping() {
		WebSocketHandler handler = this.direct ? this::handleDirect : this::handleReactive;
		return new SimpleUrlHandlerMapping(Map.of("/ws", handler), -1);
	}

	private Mono<Void> handleReactive(WebSocketSession session) {
		byte[] id = Frame.subscriptionOf(session.getHandshakeInfo().getUri());
		Sinks.Many<byte[]> sink = Sinks.many().unicast().onBackpressureBuffer();
		this.reactiveSubs.put(session.getId(), new ReactiveSub(sink, id));
		Flux<WebSocketMessage> out = sink.asFlux()
			.map((bytes) -> new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(bytes)));
		Mono<Void> in = session.receive().then().doFinally((signal) -> {
			this.reactiveSubs.remove(session.getId());
			sink.tryEmitComplete();
		});
		return session.send(out).and(in);
	}

	private Mono<Void> handleDirect(WebSocketSession session) {
		byte[] id = Frame.subscriptionOf(session.getHandshakeInfo().getUri());
		Channel channel = this.channels.find(((ReactorNettyWebSocketSession) session).getChannelId());
		if (channel == null) {
			return session.close();
		}
		DirectSub sub = new DirectSub(channel, id);
		Set<DirectSub> group = this.directSubs.computeIfAbsent(channel.eventLoop(),
				(loop) -> ConcurrentHashMap.newKeySet());
		group.add(sub);
		return session.receive().then().doFinally((signal) -> group.remove(sub));
	}

	private void broadcastOnce() {
		if (this.direct) {
			this.directSubs.forEach((loop, group) -> loop.execute(() -> writeGroup(group)));
		}
		else {
			for (ReactiveSub sub : this.reactiveSubs.values()) {
				if (sub.sink().tryEmitNext(Frame.build(sub.id())).isFailure()) {
					this.errors.incrementAndGet();
				}
			}
		}
	}

	/** Runs on the event loop: write every session of this loop, then flush each. */
	private void writeGroup(Set<DirectSub> group) {
		int headLen = HEAD.readableBytes();
		int tailLen = TAIL.readableBytes();
		for (DirectSub sub : group) {
			Channel ch = sub.channel();
			if (!ch.isActive()) {
				this.errors.incrementAndGet();
				continue;
			}
			ByteBuf buf = ch.alloc().directBuffer(headLen + sub.id().length + tailLen);
			buf.writeBytes(HEAD, HEAD.readerIndex(), headLen);
			buf.writeBytes(sub.id());
			buf.writeBytes(TAIL, TAIL.readerIndex(), tailLen);
			ch.write(new TextWebSocketFrame(buf), ch.voidPromise());
		}
		for (DirectSub sub : group) {
			sub.channel().flush();
		}
	}

	@PostMapping("/start")
	public String start(@RequestParam int frames, @RequestParam int rate) {
		return this.pacer.start(frames, rate, this::broadcastOnce) ? "started" : "busy";
	}

	@GetMapping("/heap")
	public Mono<Long> heap() {
		return Mono.fromCallable(Pacer::heapUsedAfterGc).subscribeOn(Schedulers.boundedElastic());
	}

	@GetMapping("/stats")
	public Map<String, Object> stats() {
		int sessions = this.direct ? this.directSubs.values().stream().mapToInt(Set::size).sum()
				: this.reactiveSubs.size();
		return Map.of("mode", this.direct ? "direct" : "reactive", "sessions", sessions, "eventLoops",
				this.directSubs.size(), "framesSent", this.pacer.framesSent(), "errors", this.errors.get());
	}

}
