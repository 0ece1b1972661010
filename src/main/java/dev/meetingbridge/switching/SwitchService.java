package dev.meetingbridge.switching;

import java.util.Optional;

import dev.meetingbridge.connection.ConnectionService;
import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.MeetingLookup;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.IdempotencyRecords;
import dev.meetingbridge.store.Refusal;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * VideoSDK's {@code connectionParticipant.switchTo}: a moderator of one meeting asks a
 * participant of a connected meeting to switch to another meeting (its sessions get a
 * {@code switch-meeting} message), or, with {@code move}, the bridge moves it there
 * itself.
 */
@Service
public class SwitchService {

	static final int MAX_PAYLOAD = 4096;

	private final MeetingLookup meetings;

	private final ConnectionService connections;

	private final AccessRules access;

	private final SwitchMover mover;

	private final SwitchInbox inbox;

	private final JsonMapper json;

	private final IdempotencyRecords records;

	SwitchService(MeetingLookup meetings, ConnectionService connections, AccessRules access, SwitchMover mover,
			SwitchInbox inbox, JsonMapper json, IdempotencyRecords records) {
		this.meetings = meetings;
		this.connections = connections;
		this.access = access;
		this.mover = mover;
		this.inbox = inbox;
		this.json = json;
		this.records = records;
	}

	/**
	 * Asks (or, with {@code move}, moves) the participant on the other side of the
	 * meeting's open connection to switch to {@code target}. The token is passed on
	 * untouched. With an {@code Idempotency-Key}, a repeat gets the first answer: the
	 * message is not sent again and the participant not moved twice. A repeat that takes
	 * over an attempt whose instance stopped answering answers for that attempt's move
	 * when it reached the target (finishing it first if nobody did), and tells the
	 * participant's sessions, perhaps again (the message has the same switch id).
	 */
	public SwitchAnswer switchTo(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			ParticipantId participantId, @Nullable MeetingId target, @Nullable String token, @Nullable String payload,
			boolean move, @Nullable Idempotency idempotency) {
		String record = (idempotency != null) ? this.records.onMeeting(meetingId.value(), idempotency) : "";
		return this.records.once(idempotency, record, IdFormat.opaque("sw_"), this.json::writeValueAsString,
				(attempt) -> new IdempotencyRecords.Answer<>(switchTo(principal, meetingId, connectionId, participantId,
						target, token, payload, move, attempt), 202));
	}

	private SwitchAnswer switchTo(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			ParticipantId participantId, @Nullable MeetingId target, @Nullable String token, @Nullable String payload,
			boolean move, IdempotencyRecords.Attempt attempt) {
		String switchId = attempt.chosen();
		this.meetings.require(meetingId);
		this.access.requireManageConnections(principal, meetingId.value());
		MeetingId to = IdFormat.present(MeetingId.FIELD, target);
		String text = (payload != null) ? payload : "";
		if (text.length() > MAX_PAYLOAD) {
			throw BridgeException.invalid("payload", "must be at most " + MAX_PAYLOAD + " characters");
		}
		MeetingId other = this.connections.openOther(meetingId, connectionId);
		String message = this.json.writeValueAsString(new SwitchMeeting(switchId, to.value(), token, text,
				principal.server() ? null : principal.participantId(), meetingId.value(), move));
		if (move && attempt.takeover()) {
			// The participant is no longer where the attempt found it if that attempt
			// moved it.
			Optional<SwitchMover.Moved> earlier = this.mover.reachedTarget(switchId, participantId, other, to, message);
			if (earlier.isPresent()) {
				return new SwitchAnswer(switchId, this.inbox.deliver(participantId, message, rebind(earlier.get())));
			}
		}
		if (!this.meetings.participants(other).containsKey(participantId.value())) {
			throw Refusal.PARTICIPANT_NOT_FOUND.toException(other, participantId.value());
		}
		if (move && to.equals(other)) {
			throw BridgeException.invalid(MeetingId.FIELD,
					"is the meeting the participant is in (" + other + "); a move needs another one");
		}
		this.meetings.requireActive(to);
		SwitchInbox.Rebind rebind = move ? rebind(this.mover.move(switchId, participantId, other, to, message)) : null;
		return new SwitchAnswer(switchId, this.inbox.deliver(participantId, message, rebind));
	}

	/** What the participant's sessions re-bind after a move: none without a binding. */
	private static SwitchInbox.@Nullable Rebind rebind(SwitchMover.Moved moved) {
		return moved.binding().isEmpty() ? null
				: new SwitchInbox.Rebind(moved.binding(), moved.from().value(), moved.to().value());
	}

}
