package dev.meetingbridge.stomp;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.periodic.PeriodicTask;
import dev.meetingbridge.periodic.PeriodicTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Ends sessions whose client is gone or never arrived, so that a half-open connection (a
 * client that vanished without a FIN) always ends within a bound and its session-bound
 * participants leave after the grace:
 * <ul>
 * <li>a WebSocket without a completed CONNECT within
 * {@code bridge.stomp.connect-timeout};</li>
 * <li>a client that sends nothing (no frame, no heart-beat) for three of its negotiated
 * heart-beat intervals;</li>
 * <li>a client that negotiated no heart-beats and leaves three WebSocket pings, sent at
 * the server's heart-beat interval while it is silent, unanswered;</li>
 * <li>a client that takes nothing written to it for {@link #STALL_LIMIT} (a slow
 * consumer).</li>
 * </ul>
 * It also sends the server's heart-beats, at the interval negotiated with each client.
 * The checks are brief (no Redis, only writes handed to the sockets' event loops), so
 * they run on the instance's periodic timer itself.
 */
@Component
class SessionWatch implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(SessionWatch.class);

	/**
	 * STOMP 1.2: a receiver should allow for some error margin; three intervals is
	 * Spring's and ours.
	 */
	static final int INTERVALS = 3;

	/**
	 * How long a socket may take nothing written to it before its session ends as a slow
	 * consumer.
	 */
	static final Duration STALL_LIMIT = Duration.ofSeconds(10);

	private final StompSessions sessions;

	private final long connectTimeoutNanos;

	/**
	 * The server's heart-beat interval: what it asks of clients, and how often silent
	 * ones are pinged.
	 */
	private final long heartbeatMillis;

	private final PeriodicTask checks;

	SessionWatch(StompSessions sessions, BridgeProperties properties, PeriodicTasks tasks) {
		this.sessions = sessions;
		Duration connectTimeout = properties.stomp().connectTimeout();
		this.connectTimeoutNanos = connectTimeout.toNanos();
		this.heartbeatMillis = properties.stomp().heartbeat().toMillis();
		Duration tick = Duration.ofMillis(tickMillis(connectTimeout.toMillis(), this.heartbeatMillis));
		this.checks = tasks.everyBriefly("check the STOMP sessions", tick, tick, this::check);
	}

	/**
	 * Often enough that no limit overshoots by more than a quarter, at most once a
	 * second. The periodic timer rounds the tick up to its grid, so a limit under a
	 * second may overshoot by up to one grid step.
	 */
	static long tickMillis(long connectTimeoutMillis, long heartbeatMillis) {
		long shortest = (heartbeatMillis > 0) ? Math.min(connectTimeoutMillis, heartbeatMillis) : connectTimeoutMillis;
		return Math.clamp(shortest / 4, 1, 1000);
	}

	/**
	 * CONNECT was accepted with the client's {@code heart-beat: cx,cy}. STOMP 1.2: each
	 * side sends at the larger of what it offers and what the other wants, if both want
	 * any.
	 */
	void connected(StompSession session, long clientSends, long clientWants) {
		long clientInterval = (clientSends > 0 && this.heartbeatMillis > 0)
				? Math.max(clientSends, this.heartbeatMillis) : 0;
		long serverSends = (clientWants > 0 && this.heartbeatMillis > 0) ? Math.max(clientWants, this.heartbeatMillis)
				: 0;
		session.liveness().connected(clientInterval, serverSends);
	}

	/**
	 * The server's side of the CONNECTED {@code heart-beat} header: what it offers to
	 * send and to expect.
	 */
	long serverInterval() {
		return this.heartbeatMillis;
	}

	private void check() {
		long now = System.nanoTime();
		for (StompSession session : this.sessions.all()) {
			check(session, now);
		}
	}

	private void check(StompSession session, long now) {
		SessionLiveness liveness = session.liveness();
		long heartbeat = liveness.heartbeatMillis();
		if (heartbeat == SessionLiveness.NOT_CONNECTED) {
			if (now - liveness.openedAt() > this.connectTimeoutNanos) {
				logger.debug("Closing WebSocket {}: no STOMP CONNECT within the connect timeout", session.id());
				session.end(SessionEnd.CONNECT_TIMEOUT);
			}
			return;
		}
		if (liveness.stalledNanos(now, session.channel().isWritable()) > STALL_LIMIT.toNanos()) {
			logger.info("Closing STOMP session {}: it took nothing for {} s", session.id(), STALL_LIMIT.toSeconds());
			session.end(SessionEnd.SLOW_CONSUMER);
			return;
		}
		long serverHeartbeat = liveness.serverHeartbeatMillis();
		if (serverHeartbeat > 0
				&& TimeUnit.NANOSECONDS.toMillis(now - liveness.lastHeartbeatSent()) >= serverHeartbeat) {
			liveness.heartbeatSent(now);
			session.send(StompFrames.HEARTBEAT);
		}
		long silentMillis = TimeUnit.NANOSECONDS.toMillis(now - liveness.lastReceived());
		if (heartbeat > 0) {
			if (silentMillis > INTERVALS * heartbeat) {
				logger.debug("Closing STOMP session {}: nothing received for {} ms", session.id(), silentMillis);
				session.end(SessionEnd.HEARTBEAT);
			}
		}
		else if (this.heartbeatMillis > 0) {
			probe(session, silentMillis / this.heartbeatMillis);
		}
	}

	/**
	 * A client without heart-beats, silent for {@code intervals} whole intervals: pinged
	 * once per interval, closed once the third ping went unanswered for an interval.
	 */
	private void probe(StompSession session, long intervals) {
		if (intervals > INTERVALS) {
			logger.debug("Closing STOMP session {}: {} pings unanswered", session.id(), INTERVALS);
			session.end(SessionEnd.HEARTBEAT);
		}
		else if (intervals > session.liveness().pingsSent()) {
			session.liveness().pinged(intervals);
			session.ping();
		}
		else if (intervals == 0) {
			session.liveness().pinged(0);
		}
	}

	@Override
	public void destroy() {
		this.checks.cancel();
	}

}
