package spike;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Variants (a) tomcat and (b) jetty: the same spring-websocket code, the container chosen by the Maven
 * profile. One broadcaster thread calls sendMessage(new TextMessage(frameBytes)) on each session's
 * ConcurrentWebSocketSessionDecorator.
 */
@SpringBootApplication
@EnableWebSocket
@RestController
public class ServletSpike implements WebSocketConfigurer {

	private final Fanout fanout = new Fanout();

	private final Pacer pacer = new Pacer();

	public static void main(String[] args) {
		SpringApplication.run(ServletSpike.class, args);
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.fanout, "/ws").setAllowedOrigins("*");
	}

	@PostMapping("/start")
	public String start(@RequestParam int frames, @RequestParam int rate) {
		return this.pacer.start(frames, rate, this.fanout::broadcastOnce) ? "started" : "busy";
	}

	@GetMapping("/heap")
	public long heap() {
		return Pacer.heapUsedAfterGc();
	}

	@GetMapping("/stats")
	public Map<String, Object> stats() {
		String sessionClass = this.fanout.subs.values()
			.stream()
			.findAny()
			.map(s -> s.session().getDelegate().getClass().getName())
			.orElse("-");
		return Map.of("sessions", this.fanout.subs.size(), "framesSent", this.pacer.framesSent(), "errors",
				this.fanout.errors.get(), "sessionClass", sessionClass);
	}

	static final class Fanout extends TextWebSocketHandler {

		record Sub(ConcurrentWebSocketSessionDecorator session, byte[] id) {
		}

		final Map<String, Sub> subs = new ConcurrentHashMap<>();

		final AtomicLong errors = new AtomicLong();

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			this.subs.put(session.getId(), new Sub(new ConcurrentWebSocketSessionDecorator(session, 10_000, 1 << 20),
					Frame.subscriptionOf(session.getUri())));
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.subs.remove(session.getId());
		}

		void broadcastOnce() {
			for (Sub sub : this.subs.values()) {
				try {
					sub.session().sendMessage(new TextMessage(Frame.build(sub.id())));
				}
				catch (Exception ex) {
					this.errors.incrementAndGet();
				}
			}
		}

	}

}
