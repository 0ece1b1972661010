package dev.meetingbridge.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The permission table of docs/api.md 'Tokens and permissions', row by row: creating,
 * listing, joining, leaving or removing, ending and managing connections, chatting.
 */
class AccessRulesTests extends AccessRulesFixture {

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

}
