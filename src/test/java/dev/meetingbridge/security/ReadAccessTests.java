package dev.meetingbridge.security;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may read a meeting and subscribe to its events (docs/api.md 'Tokens and
 * permissions'): its members, members of a meeting connected to it while the connection
 * is open, within the room a token is limited to.
 */
class ReadAccessTests extends AccessRulesFixture {

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

}
