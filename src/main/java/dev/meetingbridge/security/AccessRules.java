package dev.meetingbridge.security;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.meetingbridge.problem.BridgeException;

import org.springframework.stereotype.Component;

/**
 * The permission table of the contract (docs/api.md 'Tokens and permissions') in one
 * place, for REST and STOMP alike. Each {@code require...} method returns normally or
 * throws a {@code forbidden} problem. Membership is looked up only when the token alone
 * does not decide.
 */
@Component
public class AccessRules {

	private final Membership membership;

	public AccessRules(Membership membership) {
		this.membership = membership;
	}

	public void requireCreate(BridgePrincipal principal, String meetingId) {
		if (principal.server() || (principal.mayModerate() && principal.roomAllows(meetingId))) {
			return;
		}
		throw BridgeException.forbidden("Creating meetings needs a server token or allow_mod");
	}

	public void requireListAll(BridgePrincipal principal) {
		if (!principal.server()) {
			throw BridgeException.forbidden("Listing meetings needs a server token");
		}
	}

	/**
	 * Reading a meeting, its participants, connections and history, or subscribing to it.
	 */
	public void requireRead(BridgePrincipal principal, String meetingId) {
		if (!mayRead(principal, meetingId)) {
			throw BridgeException
				.forbidden("Only members of meeting " + meetingId + " or of a meeting connected to it may see it");
		}
	}

	public boolean mayRead(BridgePrincipal principal, String meetingId) {
		return readGrounds(principal, meetingId, true).any();
	}

	/** Every ground on which the principal may see the meeting; none when it may not. */
	public ReadGrounds readGrounds(BridgePrincipal principal, String meetingId) {
		return readGrounds(principal, meetingId, false);
	}

	private ReadGrounds readGrounds(BridgePrincipal principal, String meetingId, boolean firstOnly) {
		if (principal.server()) {
			return new ReadGrounds(true, false, Map.of());
		}
		String self = principal.participantId();
		if (self == null) {
			return new ReadGrounds(false, false, Map.of());
		}
		boolean member = principal.roomAllows(meetingId) && this.membership.isMember(meetingId, self);
		Map<String, String> via = new HashMap<>();
		if (!(member && firstOnly)) {
			this.membership.openConnections(meetingId).forEach((connectionId, other) -> {
				// A token for one meeting sees others only through its connections.
				if (principal.roomAllows(other) && this.membership.isMember(other, self)) {
					via.put(connectionId, other);
				}
			});
		}
		return new ReadGrounds(false, member, via);
	}

	public void requireJoin(BridgePrincipal principal, String meetingId, String participantId) {
		if (principal.server()) {
			return;
		}
		requireSelf(principal, participantId);
		if (!principal.mayJoin()) {
			throw BridgeException.forbidden("Joining needs allow_join");
		}
		requireRoom(principal, meetingId);
	}

	/** A participant may remove itself; a moderating member may remove anyone. */
	public void requireRemove(BridgePrincipal principal, String meetingId, String participantId) {
		if (principal.server()) {
			return;
		}
		requireRoom(principal, meetingId);
		if (participantId.equals(principal.participantId())) {
			return;
		}
		requireModeratingMember(principal, meetingId, "Removing another participant");
	}

	public void requireEnd(BridgePrincipal principal, String meetingId) {
		requireModeratingMember(principal, meetingId, "Ending a meeting");
	}

	/**
	 * Opening or closing a connection of the meeting, or ending the meeting at its other
	 * end.
	 */
	public void requireManageConnections(BridgePrincipal principal, String meetingId) {
		requireModeratingMember(principal, meetingId, "Managing connections");
	}

	/** Sending chat over a connection of the meeting, as the given sender. */
	public void requireChat(BridgePrincipal principal, String meetingId, String senderId) {
		requireChat(principal, meetingId, senderId, () -> this.membership.isMember(meetingId, senderId));
	}

	/**
	 * Sending chat, when the sender's membership was read with the chat's other checks;
	 * it is asked only when the token alone does not decide.
	 */
	public void requireChat(BridgePrincipal principal, String meetingId, String senderId,
			BooleanSupplier senderIsMember) {
		if (principal.server()) {
			return;
		}
		requireSelf(principal, senderId);
		requireRoom(principal, meetingId);
		if (!principal.mayJoin()) {
			throw BridgeException.forbidden("Sending chat needs allow_join");
		}
		// requireSelf made the sender the token's own participant
		if (!senderIsMember.getAsBoolean()) {
			throw notAMember(meetingId);
		}
	}

	/**
	 * Whether the token alone lets its holder send chat as the sender in the meeting
	 * (membership aside): what {@link #requireChat} checks before asking about
	 * membership, without refusing.
	 */
	public boolean tokenAllowsChat(BridgePrincipal principal, String meetingId, String senderId) {
		return principal.server() || (senderId.equals(principal.participantId()) && principal.roomAllows(meetingId)
				&& principal.mayJoin());
	}

	/** Participant tokens act only as themselves. */
	public void requireSelf(BridgePrincipal principal, String participantId) {
		if (!principal.server() && !participantId.equals(principal.participantId())) {
			throw BridgeException
				.forbidden("A participant token acts only as its own participant (" + principal.participantId() + ")");
		}
	}

	private void requireModeratingMember(BridgePrincipal principal, String meetingId, String action) {
		if (principal.server()) {
			return;
		}
		requireRoom(principal, meetingId);
		if (!principal.mayModerate()) {
			throw BridgeException.forbidden(action + " needs allow_mod");
		}
		requireMember(principal, meetingId);
	}

	private void requireMember(BridgePrincipal principal, String meetingId) {
		String self = principal.participantId();
		if (self == null || !this.membership.isMember(meetingId, self)) {
			throw notAMember(meetingId);
		}
	}

	private static BridgeException notAMember(String meetingId) {
		return BridgeException.forbidden("Only members of meeting " + meetingId + " may do this");
	}

	private static void requireRoom(BridgePrincipal principal, String meetingId) {
		if (!principal.roomAllows(meetingId)) {
			throw BridgeException.forbidden("This token is valid for meeting " + principal.roomId() + " only");
		}
	}

}
