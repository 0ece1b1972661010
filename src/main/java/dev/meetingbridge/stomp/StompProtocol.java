package dev.meetingbridge.stomp;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.InvalidTokenException;
import dev.meetingbridge.problem.Problem;
import dev.meetingbridge.problem.ProblemDetails;
import dev.meetingbridge.problem.ProblemResponses;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.security.TokenAuthenticator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.stereotype.Component;

/**
 * STOMP 1.2 as the bridge serves it, one client frame at a time (in the order the client
 * sent them, off the event loop, since most frames wait for Redis):
 * <ul>
 * <li>CONNECT authenticates the bearer token and negotiates heart-beats;</li>
 * <li>SUBSCRIBE to a meeting topic is checked against the access rules, to the session's
 * own queues (errors, switch-meeting) always allowed, and limited per session;
 * UNSUBSCRIBE stops it; both confirm a receipt;</li>
 * <li>SEND joins, leaves or chats; a refused SEND is answered on the error queue and the
 * session stays open;</li>
 * <li>DISCONNECT confirms its receipt and closes.</li>
 * </ul>
 * A refused CONNECT or SUBSCRIBE gets an ERROR frame whose {@code message} starts with
 * the refusal's code and whose body is its problem detail (as on the error queue), and
 * the connection is closed, as STOMP prescribes.
 */
@Component
class StompProtocol {

	private static final Logger logger = LoggerFactory.getLogger(StompProtocol.class);

	/** The SEND frame header that makes a SEND safe to repeat (REST: Idempotency-Key). */
	static final String IDEMPOTENCY_KEY = "idempotency-key";

	private final TokenAuthenticator authenticator;

	private final TopicSubscriptions subscriptions;

	private final StompSends sends;

	private final SessionWatch watch;

	private final ProblemResponses problems;

	private final int maxSubscriptions;

	StompProtocol(TokenAuthenticator authenticator, TopicSubscriptions subscriptions, StompSends sends,
			SessionWatch watch, ProblemResponses problems, BridgeProperties properties) {
		this.authenticator = authenticator;
		this.subscriptions = subscriptions;
		this.sends = sends;
		this.watch = watch;
		this.problems = problems;
		this.maxSubscriptions = properties.stomp().maxSubscriptions();
	}

	void handle(StompSession session, Message<byte[]> frame) {
		StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(frame, StompHeaderAccessor.class);
		StompCommand command = (accessor != null) ? accessor.getCommand() : null;
		if (accessor == null || command == null || session.ended() != null) {
			// A heart-beat, or a frame behind one that made the bridge end the session.
			// Frames a client sent before it closed the socket itself are still handled
			// (a join, say).
			return;
		}
		try {
			switch (command) {
				case CONNECT, STOMP -> connect(session, accessor);
				case SUBSCRIBE -> {
					subscribe(session, principal(session), accessor);
					receipt(session, accessor);
				}
				case UNSUBSCRIBE -> {
					principal(session);
					unsubscribe(session, accessor);
					receipt(session, accessor);
				}
				case SEND -> {
					send(session, principal(session), accessor, frame.getPayload());
					receipt(session, accessor);
				}
				case DISCONNECT -> {
					receipt(session, accessor);
					session.end(SessionEnd.DISCONNECT);
				}
				// Transactions and acknowledgements mean nothing for the topics served.
				default -> receipt(session, accessor);
			}
		}
		catch (RuntimeException ex) {
			refuse(session, accessor, ex);
		}
	}

	private void connect(StompSession session, StompHeaderAccessor accessor) {
		if (session.principal() != null) {
			throw new BridgeException(Problem.BAD_REQUEST, "the session is CONNECTed already");
		}
		String token = bearer(accessor.getFirstNativeHeader("Authorization"));
		if (token == null) {
			token = accessor.getPasscode();
		}
		if (token == null || token.isBlank()) {
			throw new BridgeException(Problem.UNAUTHENTICATED, "CONNECT needs an Authorization: Bearer <jwt> header");
		}
		BridgePrincipal principal = this.authenticator.authenticate(token.strip());
		if (principal == null) {
			throw new InvalidTokenException();
		}
		long[] heartbeat = accessor.getHeartbeat();
		session.connected(principal);
		this.watch.connected(session, heartbeat[0], heartbeat[1]);
		long server = this.watch.serverInterval();
		session.send(StompFrames.connected(server, server, principal.getName()));
	}

	private static @Nullable String bearer(@Nullable String header) {
		if (header == null) {
			return null;
		}
		String value = header.strip();
		return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7) : null;
	}

	private static BridgePrincipal principal(StompSession session) {
		BridgePrincipal principal = session.principal();
		if (principal == null) {
			throw new BridgeException(Problem.UNAUTHENTICATED, "CONNECT first");
		}
		return principal;
	}

	private void subscribe(StompSession session, BridgePrincipal principal, StompHeaderAccessor accessor) {
		String destination = accessor.getDestination();
		String subscriptionId = accessor.getSubscriptionId();
		if (subscriptionId == null || subscriptionId.isEmpty()) {
			throw new BridgeException(Problem.BAD_REQUEST, "SUBSCRIBE needs an id header");
		}
		SessionSubscriptions subscriptions = session.subscriptions();
		if (!subscriptions.has(subscriptionId) && subscriptions.count() >= this.maxSubscriptions) {
			throw new BridgeException(Problem.SUBSCRIPTION_LIMIT,
					"a session holds at most " + this.maxSubscriptions + " subscriptions; unsubscribe first");
		}
		if (StompDestinations.ERRORS.equals(destination)) {
			subscriptions.followErrorQueue(subscriptionId);
			return;
		}
		if (StompDestinations.SWITCH_MEETING.equals(destination)) {
			subscriptions.followSwitchQueue(subscriptionId);
			return;
		}
		StompDestinations.Topic topic = StompDestinations.topic(destination)
			.orElseThrow(() -> new BridgeException(Problem.UNKNOWN_DESTINATION, "there is no topic " + destination));
		this.subscriptions.subscribe(session, subscriptionId, principal, topic.meetingId().value(), topic.type());
	}

	private static void unsubscribe(StompSession session, StompHeaderAccessor accessor) {
		String id = accessor.getSubscriptionId();
		if (id != null) {
			session.subscriptions().end(id);
		}
	}

	/** A refused SEND is answered on the error queue; the session stays open. */
	private void send(StompSession session, BridgePrincipal principal, StompHeaderAccessor accessor, byte[] body) {
		try {
			this.sends.handle(session, principal, accessor.getDestination(), body,
					accessor.getFirstNativeHeader(IDEMPOTENCY_KEY));
		}
		catch (RuntimeException ex) {
			BridgeException refusal = refusalFor(ex, "SEND to " + accessor.getDestination());
			if (refusal.problem() == Problem.INTERNAL_ERROR) {
				throw ex;
			}
			errorMessage(session, refusal);
		}
	}

	/** Confirms a processed frame that asked for a receipt. */
	private static void receipt(StompSession session, StompHeaderAccessor accessor) {
		String receipt = accessor.getReceipt();
		if (receipt != null) {
			session.send(StompFrames.receipt(receipt));
		}
	}

	/**
	 * A refusal as a MESSAGE on each of the session's error-queue subscriptions (none: it
	 * is dropped).
	 */
	private void errorMessage(StompSession session, BridgeException refusal) {
		if (session.subscriptions().errorQueue().isEmpty()) {
			return;
		}
		byte[] body = this.problems.messageBody(refusal);
		for (String subscriptionId : session.subscriptions().errorQueue()) {
			session.send(StompFrames.queueMessage(StompDestinations.ERRORS, subscriptionId,
					session.nextQueueMessageId(), body));
		}
	}

	/** An ERROR frame, then the connection closes. */
	private void refuse(StompSession session, StompHeaderAccessor accessor, RuntimeException ex) {
		BridgeException refusal = refusalFor(ex, String.valueOf(accessor.getCommand()));
		session.send(StompFrames.error(refusal.problem().code() + ": " + refusal.getMessage(), accessor.getReceipt(),
				this.problems.messageBody(refusal)));
		session.end(SessionEnd.REFUSED);
	}

	private static BridgeException refusalFor(RuntimeException ex, String what) {
		BridgeException refusal = ProblemDetails.refusal(ex);
		if (refusal == null) {
			logger.error("A STOMP {} could not be processed", what, ex);
			return new BridgeException(Problem.INTERNAL_ERROR, "the frame could not be processed");
		}
		if (refusal.problem() == Problem.STORE_UNAVAILABLE) {
			logger.warn("Refusing a STOMP {}: Redis failed ({})", what, ex.getMessage());
		}
		return refusal;
	}

}
