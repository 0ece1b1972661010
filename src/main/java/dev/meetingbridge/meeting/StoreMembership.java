package dev.meetingbridge.meeting;

import java.util.Map;

import dev.meetingbridge.security.Membership;

import org.springframework.stereotype.Component;

/** Answers the access rules' membership questions from Redis. */
@Component
class StoreMembership implements Membership {

	private final MeetingStore store;

	StoreMembership(MeetingStore store) {
		this.store = store;
	}

	@Override
	public boolean isMember(String meetingId, String participantId) {
		return this.store.isMember(meetingId, participantId);
	}

	@Override
	public Map<String, String> openConnections(String meetingId) {
		return this.store.openConnections(meetingId);
	}

}
