package dev.meetingbridge.security;

import java.util.Map;

/**
 * The facts about meeting membership that the access rules depend on, read from the
 * store.
 */
public interface Membership {

	boolean isMember(String meetingId, String participantId);

	/** The meeting's open connections: connection id to the other meeting's id. */
	Map<String, String> openConnections(String meetingId);

}
