package dev.meetingbridge.security;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The permission table of README 'Tokens and permissions', row by row, against an
 * in-memory membership: meetings A and B are connected, C is on its own.
 */
class AccessRulesTests {

	private static final Set<Permission> JOIN = EnumSet.of(Permission.ALLOW_JOIN);

	private static final Set<Permission> MOD = EnumSet.of(Permission.ALLOW_JOIN, Permission.ALLOW_MOD);

	private static final Set<Permission> MOD_ONLY = EnumSet.of(Permission.ALLOW_MOD);

	private static final Set<Permission> NONE = EnumSet.noneOf(Permission.class);

	private final FakeMembership membership = new FakeMembership().member("A", "alice")
		.member("A", "mod")
		.member("B", "bob")
		.member("C", "carol")
		.connect("c1", "A", "B");

	private final AccessRules rules = new AccessRules(this.membership);

	private static BridgePrincipal server() {
		return BridgePrincipal.server("server");
	}

	private static BridgePrincipal participant(String id, Set<Permission> permissions) {
		return BridgePrincipal.participant(id, permissions, null);
	}

	private static BridgePrincipal inRoom(String id, Set<Permission> permissions, String roomId) {
		return BridgePrincipal.participant(id, permissions, roomId);
	}

	private static void allowed(ThrowingCallable action) {
		assertThatCode(action).doesNotThrowAnyException();
	}

	private static void forbidden(ThrowingCallable action) {
		assertThatThrownBy(action).isInstanceOfSatisfying(BridgeException.class,
				(ex) -> assertThat(ex.problem()).isEqualTo(Problem.FORBIDDEN));
	}

	@Test
	void serverTokensMayDoEverythingForAnyMeetingAndAnyParticipant() {
		BridgePrincipal server = server();
		allowed(() -> rules.requireCreate(server, "Z"));
		allowed(() -> rules.requireListAll(server));
		allowed(() -> rules.requireRead(server, "C"));
		allowed(() -> rules.requireJoin(server, "C", "anyone"));
		allowed(() -> rules.requireRemove(server, "A", "alice"));
		allowed(() -> rules.requireEnd(server, "C"));
		allowed(() -> rules.requireManageConnections(server, "C"));
		allowed(() -> rules.requireChat(server, "A", "alice"));
		allowed(() -> rules.requireSelf(server, "anyone"));
		assertThat(rules.readGrounds(server, "C").server()).isTrue();
	}

	@Test
	void creatingNeedsAllowMod() {
		allowed(() -> rules.requireCreate(participant("mod", MOD), "new"));
		allowed(() -> rules.requireCreate(participant("mod", MOD_ONLY), "new"));
		forbidden(() -> rules.requireCreate(participant("alice", JOIN), "new"));
		forbidden(() -> rules.requireCreate(participant("nobody", NONE), "new"));
	}

	@Test
	void aModeratorLimitedToARoomMayCreateThatRoomOnly() {
		allowed(() -> rules.requireCreate(inRoom("mod", MOD, "new"), "new"));
		forbidden(() -> rules.requireCreate(inRoom("mod", MOD, "other"), "new"));
	}

	@Test
	void listingAllMeetingsNeedsAServerToken() {
		forbidden(() -> rules.requireListAll(participant("mod", MOD)));
		forbidden(() -> rules.requireListAll(participant("alice", JOIN)));
	}

	@Test
	void membersMayReadTheirMeetingWhateverTheirPermissions() {
		allowed(() -> rules.requireRead(participant("alice", JOIN), "A"));
		allowed(() -> rules.requireRead(participant("alice", NONE), "A"));
		assertThat(rules.readGrounds(participant("alice", JOIN), "A"))
			.isEqualTo(new ReadGrounds(false, true, Map.of()));
	}

	@Test
	void nonMembersMayNotReadAMeeting() {
		forbidden(() -> rules.requireRead(participant("carol", MOD), "A"));
		forbidden(() -> rules.requireRead(participant("stranger", MOD), "C"));
		assertThat(rules.mayRead(participant("carol", MOD), "A")).isFalse();
		assertThat(rules.readGrounds(participant("carol", MOD), "A").any()).isFalse();
	}

	@Test
	void membersOfAConnectedMeetingMayReadItFromEitherSide() {
		allowed(() -> rules.requireRead(participant("alice", JOIN), "B"));
		allowed(() -> rules.requireRead(participant("bob", JOIN), "A"));
		assertThat(rules.readGrounds(participant("bob", JOIN), "A"))
			.isEqualTo(new ReadGrounds(false, false, Map.of("c1", "B")));
	}

	@Test
	void aClosedConnectionNoLongerGrantsReading() {
		membership.disconnect("c1", "A", "B");
		forbidden(() -> rules.requireRead(participant("alice", JOIN), "B"));
		forbidden(() -> rules.requireRead(participant("bob", JOIN), "A"));
	}

	@Test
	void aMeetingConnectedOnlyToAnotherMeetingIsNotReadableTransitively() {
		membership.connect("c2", "B", "C");
		allowed(() -> rules.requireRead(participant("carol", JOIN), "B"));
		forbidden(() -> rules.requireRead(participant("carol", JOIN), "A"));
	}

	@Test
	void aTokenLimitedToARoomReadsThatRoomAndMeetingsConnectedToIt() {
		allowed(() -> rules.requireRead(inRoom("alice", JOIN, "A"), "A"));
		allowed(() -> rules.requireRead(inRoom("alice", JOIN, "A"), "B"));
	}

	@Test
	void aTokenLimitedToAnotherRoomMayNotReadEvenItsOwnMeeting() {
		membership.member("C", "alice");
		forbidden(() -> rules.requireRead(inRoom("alice", JOIN, "C"), "A"));
		// B is connected to A, but the token is not valid for A: A's membership is moot.
		forbidden(() -> rules.requireRead(inRoom("alice", JOIN, "C"), "B"));
		allowed(() -> rules.requireRead(inRoom("alice", JOIN, "C"), "C"));
	}

	@Test
	void readGroundsListEveryConnectionThatGrantsReading() {
		membership.member("C", "alice").connect("c2", "B", "C");
		ReadGrounds grounds = rules.readGrounds(participant("alice", JOIN), "B");
		assertThat(grounds.member()).isFalse();
		assertThat(grounds.via()).isEqualTo(Map.of("c1", "A", "c2", "C"));
	}

	@Test
	void aParticipantWithAllowJoinMayJoinAsItself() {
		allowed(() -> rules.requireJoin(participant("dave", JOIN), "C", "dave"));
	}

	@Test
	void allowModIncludesJoining() {
		allowed(() -> rules.requireJoin(participant("dave", MOD_ONLY), "C", "dave"));
	}

	@Test
	void aParticipantMayNotJoinAsSomebodyElse() {
		forbidden(() -> rules.requireJoin(participant("dave", MOD), "C", "erin"));
	}

	@Test
	void joiningNeedsAPermission() {
		forbidden(() -> rules.requireJoin(participant("dave", NONE), "C", "dave"));
	}

	@Test
	void aTokenLimitedToARoomJoinsThatRoomOnly() {
		allowed(() -> rules.requireJoin(inRoom("dave", JOIN, "C"), "C", "dave"));
		forbidden(() -> rules.requireJoin(inRoom("dave", JOIN, "A"), "C", "dave"));
	}

	@Test
	void aParticipantMayRemoveItselfWithoutAnyPermission() {
		allowed(() -> rules.requireRemove(participant("alice", NONE), "A", "alice"));
		allowed(() -> rules.requireRemove(participant("alice", JOIN), "A", "alice"));
	}

	@Test
	void aModeratingMemberMayRemoveAnotherParticipant() {
		allowed(() -> rules.requireRemove(participant("mod", MOD), "A", "alice"));
	}

	@Test
	void removingAnotherNeedsAllowMod() {
		forbidden(() -> rules.requireRemove(participant("alice", JOIN), "A", "mod"));
	}

	@Test
	void removingAnotherNeedsMembership() {
		forbidden(() -> rules.requireRemove(participant("bob", MOD), "A", "alice"));
		// Seeing A through the connection is not membership of A.
		assertThat(rules.mayRead(participant("bob", MOD), "A")).isTrue();
	}

	@Test
	void aTokenLimitedToAnotherRoomMayNotLeaveOrRemove() {
		forbidden(() -> rules.requireRemove(inRoom("alice", JOIN, "B"), "A", "alice"));
		forbidden(() -> rules.requireRemove(inRoom("mod", MOD, "B"), "A", "alice"));
		allowed(() -> rules.requireRemove(inRoom("mod", MOD, "A"), "A", "alice"));
	}

	@Test
	void aModeratingMemberMayEndAndManageConnections() {
		allowed(() -> rules.requireEnd(participant("mod", MOD), "A"));
		allowed(() -> rules.requireManageConnections(participant("mod", MOD), "A"));
		allowed(() -> rules.requireEnd(inRoom("mod", MOD, "A"), "A"));
	}

	@Test
	void aMemberWithoutAllowModMayNeitherEndNorManageConnections() {
		forbidden(() -> rules.requireEnd(participant("alice", JOIN), "A"));
		forbidden(() -> rules.requireManageConnections(participant("alice", JOIN), "A"));
	}

	@Test
	void aModeratorWhoIsNotAMemberMayNeitherEndNorManageConnections() {
		forbidden(() -> rules.requireEnd(participant("carol", MOD), "A"));
		forbidden(() -> rules.requireManageConnections(participant("carol", MOD), "A"));
	}

	@Test
	void aModeratorOfAConnectedMeetingMayNotEndItDirectly() {
		// bobmod moderates B and sees A through c1. Ending A directly needs membership of
		// A; ending it over the connection is checked as managing B's connections.
		membership.member("B", "bobmod");
		forbidden(() -> rules.requireEnd(participant("bobmod", MOD), "A"));
		allowed(() -> rules.requireManageConnections(participant("bobmod", MOD), "B"));
	}

	@Test
	void aModeratorTokenLimitedToAnotherRoomMayNotEndOrManageConnections() {
		forbidden(() -> rules.requireEnd(inRoom("mod", MOD, "B"), "A"));
		forbidden(() -> rules.requireManageConnections(inRoom("mod", MOD, "B"), "A"));
	}

	@Test
	void aMemberWithAllowJoinMayChatAsItself() {
		allowed(() -> rules.requireChat(participant("alice", JOIN), "A", "alice"));
		allowed(() -> rules.requireChat(participant("mod", MOD_ONLY), "A", "mod"));
		allowed(() -> rules.requireChat(inRoom("alice", JOIN, "A"), "A", "alice"));
	}

	@Test
	void chattingAsSomebodyElseIsForbidden() {
		forbidden(() -> rules.requireChat(participant("alice", MOD), "A", "mod"));
	}

	@Test
	void chattingNeedsMembershipAndAllowJoin() {
		forbidden(() -> rules.requireChat(participant("bob", JOIN), "A", "bob"));
		forbidden(() -> rules.requireChat(participant("alice", NONE), "A", "alice"));
		forbidden(() -> rules.requireChat(inRoom("alice", JOIN, "B"), "A", "alice"));
	}

	@Test
	void subscribingFollowsTheReadingRule() {
		assertThat(rules.mayRead(participant("alice", JOIN), "A")).isTrue();
		assertThat(rules.mayRead(participant("alice", JOIN), "B")).isTrue();
		assertThat(rules.mayRead(inRoom("alice", JOIN, "A"), "B")).isTrue();
		assertThat(rules.mayRead(participant("alice", JOIN), "C")).isFalse();
		assertThat(rules.mayRead(participant("carol", MOD), "B")).isFalse();
	}

	@Test
	void aSubscriberLosesItsGroundsWhenItLeaves() {
		assertThat(rules.mayRead(participant("alice", JOIN), "B")).isTrue();
		membership.leave("A", "alice");
		assertThat(rules.mayRead(participant("alice", JOIN), "A")).isFalse();
		assertThat(rules.mayRead(participant("alice", JOIN), "B")).isFalse();
	}

	/** Membership as plain maps: meeting to members, meeting to its open connections. */
	static final class FakeMembership implements Membership {

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

}
