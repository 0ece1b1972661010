package dev.meetingbridge.stomp;

import java.security.Principal;

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

	StompInboundInterceptor(TokenAuthenticator authenticator, TopicSubscriptions subscriptions, TopicFanout fanout,
			StompErrorReplies errors) {
		this.authenticator = authenticator;
		this.subscriptions = subscriptions;
		this.fanout = fanout;
		this.errors = errors;
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
				yield message;
			}
			case SUBSCRIBE -> {
				subscribe(accessor);
				receipt(accessor);
				yield message;
			}
			case UNSUBSCRIBE -> {
				String id = accessor.getSubscriptionId();
				String sessionId = accessor.getSessionId();
				if (id != null && sessionId != null) {
					this.fanout.unsubscribe(sessionId, id);
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

	private void subscribe(StompHeaderAccessor accessor) {
		String destination = accessor.getDestination();
		if (StompDestinations.ERRORS.equals(destination)) {
			return;
		}
		var topic = StompDestinations.topic(destination)
			.orElseThrow(() -> new StompRefusal("unknown-destination", "there is no topic " + destination));
		Principal user = accessor.getUser();
		if (!(user instanceof BridgePrincipal principal)) {
			throw new StompRefusal("unauthenticated", "CONNECT first");
		}
		String subscriptionId = accessor.getSubscriptionId();
		String sessionId = accessor.getSessionId();
		if (subscriptionId == null || sessionId == null) {
			throw new StompRefusal("bad-request", "SUBSCRIBE needs an id header");
		}
		this.subscriptions.subscribe(sessionId, subscriptionId, principal, topic.meetingId(), topic.type());
	}

}
