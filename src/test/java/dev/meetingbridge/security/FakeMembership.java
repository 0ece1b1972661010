package dev.meetingbridge.security;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Membership as plain maps: meeting to members, meeting to its open connections. */
final class FakeMembership implements Membership {

	private final Map<String, Set<String>> members = new HashMap<>();

	private final Map<String, Map<String, String>> connections = new HashMap<>();

	FakeMembership member(String meetingId, String participantId) {
		this.members.computeIfAbsent(meetingId, (id) -> new HashSet<>()).add(participantId);
		return this;
	}

	FakeMembership leave(String meetingId, String participantId) {
		this.members.getOrDefault(meetingId, new HashSet<>()).remove(participantId);
		return this;
	}

	FakeMembership connect(String connectionId, String meetingId, String otherMeetingId) {
		this.connections.computeIfAbsent(meetingId, (id) -> new HashMap<>()).put(connectionId, otherMeetingId);
		this.connections.computeIfAbsent(otherMeetingId, (id) -> new HashMap<>()).put(connectionId, meetingId);
		return this;
	}

	FakeMembership disconnect(String connectionId, String meetingId, String otherMeetingId) {
		this.connections.getOrDefault(meetingId, new HashMap<>()).remove(connectionId);
		this.connections.getOrDefault(otherMeetingId, new HashMap<>()).remove(connectionId);
		return this;
	}

	@Override
	public boolean isMember(String meetingId, String participantId) {
		return this.members.getOrDefault(meetingId, Set.of()).contains(participantId);
	}

	@Override
	public Map<String, String> openConnections(String meetingId) {
		return Map.copyOf(this.connections.getOrDefault(meetingId, Map.of()));
	}

}
