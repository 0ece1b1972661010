package dev.meetingbridge.stomp;

import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.switching.SwitchRecipients;

import org.springframework.stereotype.Component;

/**
 * The participants' {@code /user/queue/switch-meeting} on this instance: a participant's
 * sessions are those whose token acts as it ({@code sub}); each that follows the queue
 * gets the message once per subscription.
 */
@Component
class SwitchQueue implements SwitchRecipients {

	private final StompSessions sessions;

	SwitchQueue(StompSessions sessions) {
		this.sessions = sessions;
	}

	@Override
	public int deliver(String participantId, byte[] message) {
		int reached = 0;
		for (StompSession session : this.sessions.all()) {
			BridgePrincipal principal = session.principal();
			if (principal == null || principal.server() || !participantId.equals(principal.participantId())
					|| !session.isOpen() || session.subscriptions().switchQueue().isEmpty()) {
				continue;
			}
			for (String subscriptionId : session.subscriptions().switchQueue()) {
				session.send(StompFrames.queueMessage(StompDestinations.SWITCH_MEETING, subscriptionId,
						session.nextQueueMessageId(), message));
			}
			reached++;
		}
		return reached;
	}

}
