package dev.meetingbridge.meeting;

import java.util.Map;

import dev.meetingbridge.ids.MeetingId;

/**
 * What ending a meeting asks of the connections feature (which implements it): the other
 * side of each connection of the ended meeting closes, with reason {@code meeting-ended}.
 */
public interface EndingConnections {

	/**
	 * Closes the other side of the ended meeting's connections.
	 * @param connections connection id to the other meeting's id, as the meeting had them
	 * open
	 */
	void closeOtherSides(MeetingId ended, Map<String, String> connections, String timestamp);

}
