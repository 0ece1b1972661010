package dev.meetingbridge.stomp;

import java.util.HashSet;
import java.util.Set;

import dev.meetingbridge.event.EventType;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.security.ReadGrounds;

import org.springframework.stereotype.Component;

/**
 * Authorises a SUBSCRIBE to a meeting topic and registers it with the grounds it was
 * allowed on.
 */
@Component
class TopicSubscriptions {

	private final TopicFanout fanout;

	private final AccessRules access;

	TopicSubscriptions(TopicFanout fanout, AccessRules access) {
		this.fanout = fanout;
		this.access = access;
	}

	void subscribe(String sessionId, String subscriptionId, BridgePrincipal principal, String meetingId,
			EventType type) {
		Set<String> held = new HashSet<>();
		boolean registered = false;
		try {
			// Listen first, then read the grounds; registering reads them again once an
			// event that takes
			// one away can no longer slip past the subscription.
			this.fanout.hold(meetingId);
			held.add(meetingId);
			ReadGrounds grounds = this.access.readGrounds(principal, meetingId);
			if (!grounds.via().isEmpty()) {
				for (String other : grounds.via().values()) {
					if (held.add(other)) {
						this.fanout.hold(other);
					}
				}
				grounds = this.access.readGrounds(principal, meetingId);
			}
			Set<Ground> kept = groundsOf(principal, meetingId, grounds, held);
			if (kept.isEmpty()) {
				throw forbidden(meetingId, type);
			}
			Set<String> needed = new HashSet<>();
			needed.add(meetingId);
			kept.forEach((ground) -> needed.add(ground.dependsOn()));
			for (String meeting : Set.copyOf(held)) {
				if (!needed.contains(meeting)) {
					this.fanout.release(meeting);
					held.remove(meeting);
				}
			}
			// Registering takes over what is held, unless the session is gone.
			registered = true;
			TopicFanout.Registration registration = this.fanout.register(sessionId, subscriptionId, meetingId, type,
					kept, () -> groundsOf(principal, meetingId, this.access.readGrounds(principal, meetingId), held));
			if (registration == TopicFanout.Registration.GONE) {
				held.forEach(this.fanout::release);
			}
			else if (registration == TopicFanout.Registration.REFUSED) {
				throw forbidden(meetingId, type);
			}
		}
		finally {
			if (!registered) {
				held.forEach(this.fanout::release);
			}
		}
	}

	private static BridgeException forbidden(String meetingId, EventType type) {
		return BridgeException.forbidden("Only members of meeting " + meetingId
				+ " or of a meeting connected to it may subscribe to " + type.topic(meetingId));
	}

	private static Set<Ground> groundsOf(BridgePrincipal principal, String meetingId, ReadGrounds grounds,
			Set<String> held) {
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
			// A connection that appeared between the two reads counts only once we listen
			// to its meeting.
			if (held.contains(other)) {
				result.add(new Ground.Via(connectionId, other, self));
			}
		});
		return result;
	}

}
