package dev.meetingbridge.meeting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.store.Epochs;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.Refusal;
import dev.meetingbridge.store.ScriptResult;
import dev.meetingbridge.store.StoreAccess;
import dev.meetingbridge.store.Timestamps;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Meetings and their participants in Redis. Changes go through the meeting scripts; reads
 * are single commands or snapshot scripts. A new meeting also enters the
 * {@link MeetingIndex}. Other features ask {@link MeetingService} or
 * {@link MeetingLookup}.
 */
@Component
class MeetingStore {

	private final StringRedisTemplate redis;

	private final MeetingScripts scripts;

	private final RedisKeys keys;

	private final JsonMapper json;

	private final Timestamps timestamps;

	private final MeetingIndex index;

	private final EndingConnections connections;

	private final long retentionSeconds;

	MeetingStore(StoreAccess store, MeetingIndex index, EndingConnections connections, BridgeProperties properties) {
		this.redis = store.redis();
		this.scripts = store.scripts();
		this.keys = store.keys();
		this.json = store.json();
		this.timestamps = store.timestamps();
		this.index = index;
		this.connections = connections;
		this.retentionSeconds = Math.max(1, properties.retention().endedMeetings().toSeconds());
	}

	/**
	 * Creates the meeting with a fresh epoch; false when the id is taken (unless by an
	 * earlier attempt of the request {@code requestId}).
	 */
	boolean create(MeetingId meetingId, String createdAt, long createdAtMillis, @Nullable String requestId) {
		ScriptResult result = this.scripts.run(MeetingScript.CREATE_MEETING, meetingId.value(), createdAt,
				Epochs.next(), (requestId != null) ? requestId : "");
		if (!result.ok()) {
			return false;
		}
		this.index.add(meetingId, createdAtMillis);
		return true;
	}

	/** A consistent snapshot of the meeting. */
	public Optional<Meeting> find(MeetingId meetingId) {
		ScriptResult result = this.scripts.run(MeetingScript.READ_MEETING, meetingId.value(), "");
		if (!result.ok()) {
			return Optional.empty();
		}
		Map<String, String> fields = result.hash(1);
		return Optional.of(new Meeting(meetingId.value(), MeetingStatus.stored(fields.get("status")),
				fields.getOrDefault("createdAt", ""), fields.get("endedAt"), participantsOf(result.hash(2)),
				List.copyOf(result.hash(3).keySet())));
	}

	public Meeting require(MeetingId meetingId) {
		return find(meetingId).orElseThrow(() -> notFound(meetingId));
	}

	public static BridgeException notFound(MeetingId meetingId) {
		return Refusal.MEETING_NOT_FOUND.toException(meetingId);
	}

	public Optional<MeetingStatus> status(MeetingId meetingId) {
		return MeetingStatus
			.read(this.redis.<String, String>opsForHash().get(this.keys.meeting(meetingId.value()), "status"));
	}

	public boolean isMember(String meetingId, String participantId) {
		return this.redis.opsForHash().hasKey(this.keys.participants(meetingId), participantId);
	}

	public Map<String, Participant> participants(MeetingId meetingId) {
		return participantsOf(
				this.redis.<String, String>opsForHash().entries(this.keys.participants(meetingId.value())));
	}

	/** Open connections of the meeting: connection id to the other meeting's id. */
	public Map<String, String> openConnections(String meetingId) {
		return this.redis.<String, String>opsForHash().entries(this.keys.connections(meetingId));
	}

	private Map<String, Participant> participantsOf(Map<String, String> stored) {
		Map<String, Participant> participants = new LinkedHashMap<>();
		stored.forEach((id, value) -> participants.put(id, this.json.readValue(value, Participant.class)));
		return participants;
	}

	/**
	 * Joins the participant, and binds it to the STOMP session {@code bindTo}
	 * ({@code instance|session}) in the same step when it joins over STOMP.
	 */
	JoinResult join(MeetingId meetingId, Participant participant, @Nullable String bindTo,
			@Nullable Idempotency idempotency) {
		String participantJson = this.json.writeValueAsString(participant);
		return joined(meetingId, participant, this.scripts.run(MeetingScript.JOIN, meetingId.value(),
				this.timestamps.now(), idempotency, participant.id(), participantJson, (bindTo != null) ? bindTo : ""));
	}

	private JoinResult joined(MeetingId meetingId, Participant participant, ScriptResult result) {
		if (result.ok()) {
			return new JoinResult(participant, true);
		}
		if (result.refusal() == Refusal.ALREADY_MEMBER) {
			return new JoinResult(this.json.readValue(result.string(1), Participant.class), false);
		}
		throw result.refusal().toException(meetingId, participant.id());
	}

	/**
	 * Whether changes may run without waiting for Redis
	 * ({@link MeetingScripts#reactive}).
	 */
	boolean reactive() {
		return this.scripts.reactive();
	}

	/**
	 * {@link #join}, without waiting for Redis (see {@link MeetingScripts#runReactive}).
	 */
	Mono<JoinResult> joinReactive(MeetingId meetingId, Participant participant) {
		String participantJson = this.json.writeValueAsString(participant);
		return this.scripts
			.runReactive(MeetingScript.JOIN, meetingId.value(), this.timestamps.now(), null, participant.id(),
					participantJson, "")
			.map((result) -> joined(meetingId, participant, result));
	}

	/**
	 * {@link #leave}, without waiting for Redis (see {@link MeetingScripts#runReactive}).
	 */
	Mono<Participant> leaveReactive(MeetingId meetingId, ParticipantId participantId, LeaveReason reason) {
		return this.scripts
			.runReactive(MeetingScript.LEAVE, meetingId.value(), this.timestamps.now(), null, participantId.value(),
					reason.wire())
			.map((result) -> left(meetingId, participantId, result));
	}

	Participant leave(MeetingId meetingId, ParticipantId participantId, LeaveReason reason,
			@Nullable Idempotency idempotency) {
		return left(meetingId, participantId, this.scripts.run(MeetingScript.LEAVE, meetingId.value(),
				this.timestamps.now(), idempotency, participantId.value(), reason.wire()));
	}

	private Participant left(MeetingId meetingId, ParticipantId participantId, ScriptResult result) {
		if (!result.ok()) {
			throw result.refusal().toException(meetingId, participantId.value());
		}
		return this.json.readValue(result.string(1), Participant.class);
	}

	/**
	 * Ends a meeting in three single-meeting steps, so that it is safe on Redis Cluster:
	 * the meeting ends and empties (refusing everything from then on), the other side of
	 * each of its connections closes, then {@code meeting-ended} is published and
	 * retention starts. Each step is safe to repeat: a request with an
	 * {@code Idempotency-Key} ({@code requestId}) that takes over an attempt which ended
	 * the meeting but did not finish finishes it.
	 */
	public void end(MeetingId meetingId, @Nullable EndedBy endedBy, @Nullable String requestId) {
		String now = this.timestamps.now();
		ScriptResult result = this.scripts.run(MeetingScript.END_MEETING, meetingId.value(), now,
				(requestId != null) ? requestId : "");
		if (!result.ok() && result.refusal() != Refusal.ENDED_BY_THIS_REQUEST) {
			throw result.refusal().toException(meetingId);
		}
		this.connections.closeOtherSides(meetingId, ScriptResult.pairs(result.list(1)), now);
		this.scripts.run(MeetingScript.FINISH_END, meetingId.value(), now,
				endedBy == null ? "" : this.json.writeValueAsString(endedBy), Long.toString(this.retentionSeconds));
	}

	EventHistory history(MeetingId meetingId, long after, int limit) {
		ScriptResult result = this.scripts.run(MeetingScript.HISTORY, meetingId.value(), "", Long.toString(after),
				Integer.toString(limit));
		if (!result.ok()) {
			throw result.refusal().toException(meetingId);
		}
		return new EventHistory(result.list(2).stream().map(this.json::readTree).toList(), result.number(1),
				result.string(3));
	}

}
