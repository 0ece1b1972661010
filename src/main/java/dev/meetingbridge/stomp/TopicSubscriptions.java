package dev.meetingbridge.stomp;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

import dev.meetingbridge.event.EventType;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.security.ReadGrounds;

import org.springframework.stereotype.Component;

/**
 * Authorises a SUBSCRIBE to a meeting topic and makes it live with the grounds it was
 * allowed on. The instance listens to every meeting involved before the grounds are read,
 * so that no event that could take one away is missed; the grounds are read once more
 * after the subscription is watching them, which catches any taken away in between.
 */
@Component
class TopicSubscriptions {

	private final MeetingHolds holds;

	private final AccessRules access;

	TopicSubscriptions(MeetingHolds holds, AccessRules access) {
		this.holds = holds;
		this.access = access;
	}

	void subscribe(StompSession session, String subscriptionId, BridgePrincipal principal, String meetingId,
			EventType type) {
		try (HeldMeetings held = new HeldMeetings(this.holds)) {
			held.add(meetingId);
			ReadGrounds grounds = this.access.readGrounds(principal, meetingId);
			// A meeting connected to this one gives grounds only once its events can
			// take them away.
			grounds.via().values().forEach(held::add);
			Set<Ground> kept = groundsOf(principal, meetingId, grounds, held::contains);
			if (kept.isEmpty()) {
				throw forbidden(meetingId, type);
			}
			Set<String> needed = new HashSet<>();
			needed.add(meetingId);
			kept.forEach((ground) -> needed.add(ground.dependsOn()));
			held.keepOnly(needed);
			if (session.subscriptions().closed()) {
				return;
			}
			Subscription subscription = new Subscription(session, subscriptionId, meetingId, type, kept,
					held.handOver());
			subscription.watchGrounds();
			session.subscriptions().add(subscription);
			Set<Ground> current;
			try {
				current = groundsOf(principal, meetingId, this.access.readGrounds(principal, meetingId),
						needed::contains);
			}
			catch (RuntimeException ex) {
				subscription.revoke();
				throw ex;
			}
			if (subscription.lose((ground) -> !current.contains(ground))) {
				subscription.revoke();
				throw forbidden(meetingId, type);
			}
			subscription.goLive();
		}
	}

	private static BridgeException forbidden(String meetingId, EventType type) {
		return BridgeException.forbidden("Only members of meeting " + meetingId
				+ " or of a meeting connected to it may subscribe to " + type.topic(meetingId));
	}

	/**
	 * The grounds read, counting a connected meeting's only while it is {@code listened}
	 * to.
	 */
	private static Set<Ground> groundsOf(BridgePrincipal principal, String meetingId, ReadGrounds grounds,
			Predicate<String> listened) {
		Set<Ground> result = new HashSet<>();
		if (grounds.server()) {
			result.add(new Ground.Server(meetingId));
			return result;
		}
		String self = principal.participantId();
		if (self == null) {
			return result;
		}
		if (grounds.member()) {
			result.add(new Ground.Member(meetingId, self));
		}
		grounds.via().forEach((connectionId, other) -> {
			if (listened.test(other)) {
				result.add(new Ground.Via(connectionId, other, self));
			}
		});
		return result;
	}

}
