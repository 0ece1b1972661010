package dev.meetingbridge.switching;

/**
 * This instance's STOMP sessions, as the switch reaches them: the transport implements
 * it.
 */
public interface SwitchRecipients {

	/**
	 * Sends the message (a JSON document) to every open session of the participant here
	 * that follows {@code /user/queue/switch-meeting}; how many it reached. Must not
	 * block.
	 */
	int deliver(String participantId, byte[] message);

}
