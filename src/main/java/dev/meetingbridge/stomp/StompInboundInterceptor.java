package dev.meetingbridge.stomp;

import java.security.Principal;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.security.TokenAuthenticator;
import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.stereotype.Component;

/**
 * Every frame from a client passes here first: CONNECT is authenticated, SUBSCRIBE is checked
 * against the destination rules and the access rules (refusals become ERROR frames), and SENDs
 * to destinations the bridge does not serve are answered on the error queue.
 */
@Component
class StompInboundInterceptor implements ChannelInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(StompInboundInterceptor.class);

	private final TokenAuthenticator authenticator;

	private final TopicSubscriptions subscriptions;

	private final TopicFanout fanout;

	private final StompErrorReplies errors;

	private final SessionWatch watch;

	private final int maxSubscriptions;

	StompInboundInterceptor(TokenAuthenticator authenticator, TopicSubscriptions subscriptions, TopicFanout fanout,
			StompErrorReplies errors, SessionWatch watch, BridgeProperties properties) {
		this.authenticator = authenticator;
		this.subscriptions = subscriptions;
		this.fanout = fanout;
		this.errors = errors;
		this.watch = watch;
		this.maxSubscriptions = properties.stomp().maxSubscriptions();
	}

	@Override
	public @Nullable Message<?> preSend(Message<?> message, MessageChannel channel) {
		StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
		if (accessor == null || accessor.getCommand() == null) {
			return message;
		}
		try {
			return handle(accessor.getCommand(), accessor, message);
		}
		catch (DataAccessException ex) {
			logger.warn("Refusing a {} frame: Redis failed ({})", accessor.getCommand(), ex.getMessage());
			return refuse(accessor, new StompRefusal("store-unavailable", "the store is unavailable; retry shortly"));
		}
		catch (StompRefusal refusal) {
			return refuse(accessor, refusal);
		}
	}

	/**
	 * Frames are handled in order off the socket thread, where Spring would only log a failure:
	 * the ERROR frame is written here, and the connection closed, as STOMP prescribes.
	 */
	private @Nullable Message<?> refuse(StompHeaderAccessor accessor, StompRefusal refusal) {
		String sessionId = accessor.getSessionId();
		if (sessionId != null) {
			this.fanout.refuse(sessionId, refusal.header(), accessor.getReceipt());
		}
		return null;
	}

	private @Nullable Message<?> handle(StompCommand command, StompHeaderAccessor accessor, Message<?> message) {
		return switch (command) {
			case CONNECT, STOMP -> {
				accessor.setUser(authenticate(accessor));
				connected(accessor);
				yield message;
			}
			case SUBSCRIBE -> {
				subscribe(accessor);
				receipt(accessor);
				yield message;
			}
			case UNSUBSCRIBE -> {
				String id = accessor.getSubscriptionId();
				StompSession session = session(accessor);
				if (id != null && session != null) {
					this.fanout.unsubscribe(session.id(), id);
					session.queueSubscriptions().remove(id);
				}
				receipt(accessor);
				yield message;
			}
			case SEND -> {
				if (StompDestinations.isClientSend(accessor.getDestination())) {
					yield message;
				}
				this.errors.send(accessor.getSessionId(), accessor.getUser(),
						new BridgeException(Problem.UNKNOWN_DESTINATION,
								"Nothing handles SEND to " + accessor.getDestination()));
				yield null;
			}
			default -> message;
		};
	}

	/**
	 * Spring's simple broker confirms only DISCONNECT; the bridge serves topics itself and so
	 * confirms SUBSCRIBE and UNSUBSCRIBE, letting a client know when a subscription is live.
	 */
	private void receipt(StompHeaderAccessor accessor) {
		String receipt = accessor.getReceipt();
		String sessionId = accessor.getSessionId();
		if (receipt != null && sessionId != null) {
			this.fanout.receipt(sessionId, receipt);
		}
	}

	private BridgePrincipal authenticate(StompHeaderAccessor accessor) {
		String token = bearer(accessor.getFirstNativeHeader("Authorization"));
		if (token == null) {
			token = accessor.getPasscode();
		}
		if (token == null || token.isBlank()) {
			throw new StompRefusal("unauthenticated", "CONNECT needs an Authorization: Bearer <jwt> header");
		}
		BridgePrincipal principal = this.authenticator.authenticate(token.strip());
		if (principal == null) {
			throw new StompRefusal("unauthenticated", "the token is malformed, badly signed or expired");
		}
		return principal;
	}

	private static @Nullable String bearer(@Nullable String header) {
		if (header == null) {
			return null;
		}
		String value = header.strip();
		return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7) : null;
	}

	/**
	 * The session is CONNECTed: from now on its client must send something within three of its
	 * negotiated heart-beat intervals (or answer pings), which the {@link SessionWatch} checks.
	 * Spring's broker is told the client sends none, so that it does not race the watch to close.
	 */
	private void connected(StompHeaderAccessor accessor) {
		StompSession session = session(accessor);
		long[] heartbeat = accessor.getHeartbeat();
		if (session != null) {
			session.received();
			session.connected(this.watch.negotiatedClientInterval(heartbeat[0]));
		}
		accessor.setHeartbeat(0, heartbeat[1]);
		accessor.setHeader(SimpMessageHeaderAccessor.HEART_BEAT_HEADER, new long[] { 0, heartbeat[1] });
	}

	private @Nullable StompSession session(StompHeaderAccessor accessor) {
		String sessionId = accessor.getSessionId();
		return (sessionId != null) ? this.fanout.session(sessionId) : null;
	}

	private void subscribe(StompHeaderAccessor accessor) {
		String destination = accessor.getDestination();
		String subscriptionId = accessor.getSubscriptionId();
		StompSession session = session(accessor);
		if (subscriptionId == null || session == null) {
			throw new StompRefusal("bad-request", "SUBSCRIBE needs an id header");
		}
		boolean replacing = session.subscriptions().containsKey(subscriptionId)
				|| session.queueSubscriptions().contains(subscriptionId);
		if (!replacing && session.subscriptionCount() >= this.maxSubscriptions) {
			throw new StompRefusal("subscription-limit", "a session holds at most " + this.maxSubscriptions
					+ " subscriptions; unsubscribe first");
		}
		if (StompDestinations.ERRORS.equals(destination)) {
			session.queueSubscriptions().add(subscriptionId);
			return;
		}
		var topic = StompDestinations.topic(destination)
			.orElseThrow(() -> new StompRefusal("unknown-destination", "there is no topic " + destination));
		Principal user = accessor.getUser();
		if (!(user instanceof BridgePrincipal principal)) {
			throw new StompRefusal("unauthenticated", "CONNECT first");
		}
		this.subscriptions.subscribe(session.id(), subscriptionId, principal, topic.meetingId(), topic.type());
	}

}
