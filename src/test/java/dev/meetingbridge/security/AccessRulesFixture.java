package dev.meetingbridge.security;

import java.util.EnumSet;
import java.util.Set;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The situation the access rule tests start from, against an in-memory membership:
 * meetings A and B are connected (c1), C is on its own; alice and mod are members of A,
 * bob of B, carol of C.
 */
abstract class AccessRulesFixture {

	static final Set<Permission> JOIN = EnumSet.of(Permission.ALLOW_JOIN);

	static final Set<Permission> MOD = EnumSet.of(Permission.ALLOW_JOIN, Permission.ALLOW_MOD);

	static final Set<Permission> MOD_ONLY = EnumSet.of(Permission.ALLOW_MOD);

	static final Set<Permission> NONE = EnumSet.noneOf(Permission.class);

	final FakeMembership membership = new FakeMembership().member("A", "alice")
		.member("A", "mod")
		.member("B", "bob")
		.member("C", "carol")
		.connect("c1", "A", "B");

	final AccessRules rules = new AccessRules(this.membership);

	static BridgePrincipal server() {
		return BridgePrincipal.server("server");
	}

	static BridgePrincipal participant(String id, Set<Permission> permissions) {
		return BridgePrincipal.participant(id, permissions, null);
	}

	static BridgePrincipal inRoom(String id, Set<Permission> permissions, String roomId) {
		return BridgePrincipal.participant(id, permissions, roomId);
	}

	static void allowed(ThrowingCallable action) {
		assertThatCode(action).doesNotThrowAnyException();
	}

	static void forbidden(ThrowingCallable action) {
		assertThatThrownBy(action).isInstanceOfSatisfying(BridgeException.class,
				(ex) -> assertThat(ex.problem()).isEqualTo(Problem.FORBIDDEN));
	}

}
