package dev.meetingbridge.meeting;

import java.time.Instant;
import java.util.Map;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.store.IdempotencyRecords;
import dev.meetingbridge.store.Refusal;
import dev.meetingbridge.store.Timestamps;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * The meeting use cases: create, list, read, join, leave, end and history, each checked
 * against the access rules.
 */
@Service
public class MeetingService {

	private final MeetingStore store;

	private final MeetingIndex index;

	private final MeetingLookup lookup;

	private final AccessRules access;

	private final Timestamps timestamps;

	private final IdempotencyRecords records;

	private final JsonMapper json;

	MeetingService(MeetingStore store, MeetingIndex index, MeetingLookup lookup, AccessRules access,
			Timestamps timestamps, IdempotencyRecords records, JsonMapper json) {
		this.store = store;
		this.index = index;
		this.lookup = lookup;
		this.access = access;
		this.timestamps = timestamps;
		this.records = records;
		this.json = json;
	}

	/**
	 * Creates a meeting (with a generated id when none is asked for). With an
	 * {@code Idempotency-Key}, a repeat gets the same meeting, also a generated one.
	 */
	public Meeting create(BridgePrincipal principal, @Nullable MeetingId requestedId,
			@Nullable Idempotency idempotency) {
		MeetingId generated = requestedId == null ? MeetingId.generate() : requestedId;
		String record = (idempotency != null) ? this.records.ofItsOwn(idempotency) : "";
		return this.records.once(idempotency, record, generated.value(), this.json::writeValueAsString, (attempt) -> {
			MeetingId meetingId = new MeetingId(attempt.chosen());
			this.access.requireCreate(principal, meetingId.value());
			Instant now = this.timestamps.instant();
			if (!this.store.create(meetingId, Timestamps.format(now), now.toEpochMilli(),
					(idempotency != null) ? idempotency.recordId() : null)) {
				throw Refusal.MEETING_EXISTS.toException(meetingId);
			}
			return new IdempotencyRecords.Answer<>(this.store.require(meetingId), 201);
		});
	}

	public MeetingPage list(BridgePrincipal principal, @Nullable String status, @Nullable String cursor, int limit) {
		this.access.requireListAll(principal);
		MeetingStatus wanted = status == null ? null : MeetingStatus.fromWire(status)
			.orElseThrow(() -> BridgeException.invalid("status", "must be active or ended"));
		if (limit < 1 || limit > 500) {
			throw BridgeException.invalid("limit", "must be between 1 and 500");
		}
		return this.index.page(wanted, MeetingCursor.decode(cursor), limit);
	}

	public Meeting get(BridgePrincipal principal, MeetingId meetingId) {
		Meeting meeting = this.store.require(meetingId);
		this.access.requireRead(principal, meetingId.value());
		return meeting;
	}

	public Map<String, Participant> participants(BridgePrincipal principal, MeetingId meetingId) {
		return get(principal, meetingId).participants();
	}

	/**
	 * Joins the meeting as the token's participant (or, for server tokens, the named
	 * one). Joining again as a member changes nothing and reports {@code joined = false}.
	 * @param bindTo the STOMP session ({@code instance|session}) the participant is bound
	 * to in the same step, for a join over STOMP; null over REST
	 */
	public JoinResult join(BridgePrincipal principal, MeetingId meetingId,
			@Nullable ParticipantId requestedParticipantId, @Nullable String displayName, @Nullable String bindTo,
			@Nullable Idempotency idempotency) {
		return this.store.join(meetingId, joining(principal, meetingId, requestedParticipantId, displayName), bindTo,
				idempotency);
	}

	/** The participant a join adds, once the caller may add it. */
	private Participant joining(BridgePrincipal principal, MeetingId meetingId,
			@Nullable ParticipantId requestedParticipantId, @Nullable String displayName) {
		ParticipantId participantId = actingParticipant(principal, ParticipantId.FIELD, requestedParticipantId);
		DisplayName name = DisplayName.of(displayName);
		this.access.requireJoin(principal, meetingId.value(), participantId.value());
		return new Participant(participantId.value(), name.value(), this.timestamps.now());
	}

	/**
	 * {@link #join} for a request without an {@code Idempotency-Key}, without waiting for
	 * Redis; null when it must take the blocking path (every change waits for replicas).
	 */
	public @Nullable Mono<JoinResult> joinReactive(BridgePrincipal principal, MeetingId meetingId,
			@Nullable ParticipantId requestedParticipantId, @Nullable String displayName) {
		if (!this.store.reactive()) {
			return null;
		}
		return this.store.joinReactive(meetingId, joining(principal, meetingId, requestedParticipantId, displayName));
	}

	/**
	 * {@link #leave} for a request without an {@code Idempotency-Key}, without waiting
	 * for Redis; null when it must take the blocking path: removing another participant
	 * (the caller's membership is read first), a refusal (an unknown meeting is reported
	 * before it), or every change waiting for replicas.
	 */
	public @Nullable Mono<Void> leaveReactive(BridgePrincipal principal, MeetingId meetingId,
			ParticipantId participantId) {
		boolean self = participantId.value().equals(principal.participantId());
		if (!this.store.reactive() || !(principal.server() || self)) {
			return null;
		}
		try {
			this.access.requireRemove(principal, meetingId.value(), participantId.value());
		}
		catch (BridgeException refused) {
			return null;
		}
		return this.store.leaveReactive(meetingId, participantId, self ? LeaveReason.LEFT : LeaveReason.REMOVED).then();
	}

	/**
	 * A participant leaves ({@code left}) or is removed by a moderator ({@code removed}).
	 */
	public void leave(BridgePrincipal principal, MeetingId meetingId, ParticipantId participantId,
			@Nullable Idempotency idempotency) {
		// A repeat is answered as the first was, even if the caller may no longer remove
		// (a moderator who left since).
		this.records.replayIfKept((idempotency != null) ? this.records.onMeeting(meetingId.value(), idempotency) : "",
				idempotency);
		try {
			this.access.requireRemove(principal, meetingId.value(), participantId.value());
		}
		catch (BridgeException refused) {
			// A meeting that does not exist is reported as such before any refusal;
			// when access is granted, the leave script itself refuses an unknown
			// meeting, so the common case costs one round trip to Redis.
			this.store.status(meetingId).orElseThrow(() -> MeetingStore.notFound(meetingId));
			throw refused;
		}
		LeaveReason reason = participantId.value().equals(principal.participantId()) ? LeaveReason.LEFT
				: LeaveReason.REMOVED;
		this.store.leave(meetingId, participantId, reason, idempotency);
	}

	/**
	 * Ends the meeting. With an {@code Idempotency-Key}, a repeat gets the same answer,
	 * and one that takes over an attempt which stopped halfway finishes the ending.
	 */
	public Meeting end(BridgePrincipal principal, MeetingId meetingId, @Nullable Idempotency idempotency) {
		String by = principal.server() ? null : principal.participantId();
		return endFromConnected(meetingId, (by != null) ? new EndedBy(meetingId.value(), by) : null, idempotency,
				() -> {
					this.lookup.requireActive(meetingId);
					this.access.requireEnd(principal, meetingId.value());
				});
	}

	/**
	 * The meeting's events after {@code after}. With {@code epoch} (the one the caller's
	 * position belongs to), a position the meeting's history no longer continues is
	 * refused with {@code history-reset}: the epoch changed since, or the caller saw
	 * events beyond what the history now holds.
	 */
	public EventHistory history(BridgePrincipal principal, MeetingId meetingId, long after, int limit,
			@Nullable String epoch) {
		if (after < 0) {
			throw BridgeException.invalid("after", "must not be negative");
		}
		if (limit < 1 || limit > 1000) {
			throw BridgeException.invalid("limit", "must be between 1 and 1000");
		}
		this.store.require(meetingId);
		this.access.requireRead(principal, meetingId.value());
		EventHistory history = this.store.history(meetingId, after, limit);
		history.requireContinues(meetingId, after, epoch);
		return history;
	}

	/**
	 * Ends the meeting (from a meeting connected to it, or its own {@link #end}), once
	 * per {@code Idempotency-Key}; {@code checks} run first (they throw to refuse),
	 * except for a repeat that takes over an attempt which ended the meeting and stopped
	 * before its answer. The ended meeting.
	 */
	public Meeting endFromConnected(MeetingId meetingId, @Nullable EndedBy endedBy, @Nullable Idempotency idempotency,
			Runnable checks) {
		String record = (idempotency != null) ? this.records.onMeeting(meetingId.value(), idempotency) : "";
		return this.records.once(idempotency, record, meetingId.value(), this.json::writeValueAsString, (attempt) -> {
			if (!attempt.takeover() || !this.lookup.hasEnded(meetingId)) {
				checks.run();
			}
			this.store.end(meetingId, endedBy, (idempotency != null) ? idempotency.recordId() : null);
			return new IdempotencyRecords.Answer<>(this.store.require(meetingId), 200);
		});
	}

	/**
	 * The participant a request acts as: the token's own for participant tokens (a body
	 * naming somebody else is refused), the named one for server tokens.
	 */
	public static ParticipantId actingParticipant(BridgePrincipal principal, String field,
			@Nullable ParticipantId named) {
		if (principal.server()) {
			return IdFormat.present(field, named);
		}
		String self = principal.participantId();
		if (self == null) {
			throw BridgeException.forbidden("The token names no participant");
		}
		if (named != null && !named.value().equals(self)) {
			throw BridgeException.forbidden("A participant token acts only as its own participant (" + self + ")");
		}
		return ParticipantId.of(field, self);
	}

}
