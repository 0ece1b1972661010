package dev.meetingbridge.stomp;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.meetingbridge.event.EventRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The open STOMP sessions of this instance, each written through its event loop's
 * {@link LoopWriter}; when the instance stops, every client is told.
 */
@Component
class StompSessions implements SmartLifecycle {

	private final Map<String, StompSession> sessions = new ConcurrentHashMap<>();

	/** One writer per event loop that serves a session. */
	private final Map<EventLoop, LoopWriter> writers = new ConcurrentHashMap<>();

	private final FanoutMetrics metrics;

	private volatile boolean running;

	StompSessions(EventRelay relay, MeterRegistry meters) {
		this.metrics = new FanoutMetrics(meters, this.sessions::size, this::subscriptionCount, relay::listenedMeetings);
	}

	FanoutMetrics metrics() {
		return this.metrics;
	}

	/**
	 * Takes a new WebSocket on; everything is written to it through the returned session.
	 */
	StompSession opened(Channel channel, String sessionId) {
		LoopWriter writer = this.writers.computeIfAbsent(channel.eventLoop(),
				(loop) -> new LoopWriter(loop, this.metrics));
		StompSession session = new StompSession(channel, sessionId, writer, this::ended);
		this.sessions.put(sessionId, session);
		return session;
	}

	/** The socket closed, however it closed: the session's subscriptions end. */
	void closed(String sessionId) {
		StompSession session = this.sessions.remove(sessionId);
		if (session != null) {
			session.subscriptions().closeAll();
		}
	}

	int count() {
		return this.sessions.size();
	}

	/** The open sessions, for whoever watches or writes to them. */
	Collection<StompSession> all() {
		return this.sessions.values();
	}

	private void ended(SessionEnd end) {
		if (end != SessionEnd.DISCONNECT) {
			this.metrics.sessionEnded(end);
		}
	}

	private int subscriptionCount() {
		int count = 0;
		for (StompSession session : this.sessions.values()) {
			count += session.subscriptions().topicCount();
		}
		return count;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * The instance is stopping: every client is told (1001) and can reconnect to another
	 * instance. This runs before the web server's graceful shutdown, which would
	 * otherwise wait for the open WebSockets to end by themselves.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.sessions.values().forEach((session) -> session.end(SessionEnd.GOING_AWAY));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
