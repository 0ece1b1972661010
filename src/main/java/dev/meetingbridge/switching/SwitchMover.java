package dev.meetingbridge.switching;

import java.util.List;
import java.util.Optional;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.Participant;
import dev.meetingbridge.presence.PresenceService;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.store.MeetingScript;
import dev.meetingbridge.store.MeetingScripts;
import dev.meetingbridge.store.ScriptResult;
import dev.meetingbridge.store.StoreAccess;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Moves a participant from one meeting to another, which may sit on different Redis
 * Cluster slots, so in two single-meeting steps around a recorded intent: the participant
 * leaves the first (reason {@code switched}), then joins the second (with {@code from}),
 * its binding with it. Leaving first means no observer ever sees it in both; each step
 * keeps a marker, so it is safe to repeat and whoever takes the intent over can tell what
 * happened. A step never starts after its owner's lease ran out, so an instance that
 * takes over an intent meets no late step: it finishes the move if the participant left,
 * and forgets it otherwise. A target that ended meanwhile is undone: the participant goes
 * back.
 */
@Component
class SwitchMover {

	private static final Logger logger = LoggerFactory.getLogger(SwitchMover.class);

	/**
	 * How long before the lease runs out the owner stops starting steps: room for the
	 * clocks of two Redis nodes to differ.
	 */
	private static final long MARGIN_MILLIS = 1_000;

	private final MeetingScripts scripts;

	private final StoreAccess store;

	private final SwitchIntents intents;

	private final PresenceService presence;

	private final SwitchHook hook;

	private final String keepMillis = Long.toString(SwitchIntents.KEEP.toMillis());

	SwitchMover(StoreAccess store, SwitchIntents intents, PresenceService presence, SwitchHook hook) {
		this.scripts = store.scripts();
		this.store = store;
		this.intents = intents;
		this.presence = presence;
		this.hook = hook;
	}

	/** A finished move: the binding that moved with the participant ('' for none). */
	record Moved(String switchId, ParticipantId participantId, MeetingId from, MeetingId to, String binding,
			String message) {
	}

	/**
	 * Moves the participant; refused (and nothing changed) when it is not in {@code from}
	 * any more, or when {@code to} ended meanwhile (then it is back in {@code from}).
	 */
	Moved move(String switchId, ParticipantId participantId, MeetingId from, MeetingId to, String message) {
		String owner = this.presence.instance();
		long notAfter = this.intents.begin(switchId, participantId, from, to, message, owner) - MARGIN_MILLIS;
		ScriptResult left = this.scripts.runBefore(notAfter, MeetingScript.SWITCH_LEAVE, from.value(),
				List.of(this.store.keys().switchMarker(from.value(), switchId)), this.store.timestamps().now(),
				participantId.value(), to.value(), this.keepMillis);
		if (!left.ok()) {
			this.intents.finish(switchId, owner);
			throw left.refusal().toException(from, participantId.value());
		}
		this.hook.leftFirstMeeting(switchId);
		Moved moved = new Moved(switchId, participantId, from, to, left.string(2), message);
		try {
			join(moved, left.string(1), notAfter);
		}
		catch (BridgeException undone) {
			this.intents.finish(switchId, owner);
			throw undone;
		}
		// Anything else (Redis failed, the lease ran out) leaves the intent for another
		// instance to take over.
		this.intents.finish(switchId, owner);
		return moved;
	}

	/**
	 * Takes over a move whose owner's lease ran out and finishes or drops it; the move,
	 * when the participant is now in the target.
	 */
	Optional<Moved> recover(String switchId) {
		String owner = this.presence.instance();
		Optional<SwitchIntents.Intent> claimed = this.intents.claim(switchId, owner);
		if (claimed.isEmpty()) {
			return Optional.empty();
		}
		SwitchIntents.Intent intent = claimed.get();
		List<Object> marker = this.store.redis()
			.opsForHash()
			.multiGet(this.store.keys().switchMarker(intent.from().value(), switchId),
					List.of("participant", "binding"));
		if (marker.get(0) == null) {
			// The first step never happened, and no late one can start any more.
			logger.info("Dropped switch {}: {} had not left meeting {}", switchId, intent.participantId(),
					intent.from());
			this.intents.finish(switchId, owner);
			return Optional.empty();
		}
		Moved moved = new Moved(switchId, intent.participantId(), intent.from(), intent.to(), binding(marker.get(1)),
				intent.message());
		try {
			join(moved, (String) marker.get(0), intent.leaseUntil() - MARGIN_MILLIS);
		}
		catch (BridgeException undone) {
			logger.info("Undid switch {}: {} is back in meeting {} ({})", switchId, intent.participantId(),
					intent.from(), undone.getMessage());
			this.intents.finish(switchId, owner);
			return Optional.empty();
		}
		logger.info("Finished switch {}: {} moved from meeting {} to {}", switchId, intent.participantId(),
				intent.from(), intent.to());
		this.intents.finish(switchId, owner);
		return Optional.of(moved);
	}

	/**
	 * The move of that switch id, when it reached the target: a move left half done whose
	 * owner's lease ran out is finished (or undone) here first, as {@link #recover} does.
	 * Empty when the participant never left {@code from} under that id, or went back.
	 */
	Optional<Moved> reachedTarget(String switchId, ParticipantId participantId, MeetingId from, MeetingId to,
			String message) {
		recover(switchId);
		if (!Boolean.TRUE.equals(this.store.redis().hasKey(this.store.keys().switchMarker(to.value(), switchId)))) {
			return Optional.empty();
		}
		Object binding = this.store.redis()
			.opsForHash()
			.get(this.store.keys().switchMarker(from.value(), switchId), "binding");
		return Optional.of(new Moved(switchId, participantId, from, to, binding(binding), message));
	}

	/** The binding a first step's marker kept ('' for none). */
	private static String binding(@Nullable Object kept) {
		return (kept != null) ? kept.toString() : "";
	}

	/**
	 * The second half: the participant joins the target, or goes back where it was when
	 * the target cannot take it (then the target's refusal is thrown).
	 */
	private void join(Moved moved, String leftAs, long notAfter) {
		String id = moved.participantId().value();
		Participant before = this.store.json().readValue(leftAs, Participant.class);
		String arriving = this.store.json()
			.writeValueAsString(new Participant(before.id(), before.displayName(), this.store.timestamps().now()));
		if (!moved.binding().isEmpty()) {
			this.presence.prepareMove(moved.binding(), moved.to(), moved.participantId());
		}
		ScriptResult joined = this.scripts.runBefore(notAfter, MeetingScript.SWITCH_JOIN, moved.to().value(),
				List.of(this.store.keys().switchMarker(moved.to().value(), moved.switchId())),
				this.store.timestamps().now(), id, arriving, moved.binding(), moved.from().value(), this.keepMillis);
		if (joined.ok()) {
			if (!moved.binding().isEmpty()) {
				this.presence.moved(moved.binding(), moved.from(), moved.to(), moved.participantId());
			}
			return;
		}
		ScriptResult back = this.scripts.runBefore(notAfter, MeetingScript.SWITCH_JOIN, moved.from().value(),
				List.of(this.store.keys().switchMarker(moved.from().value(), moved.switchId() + ":undo")),
				this.store.timestamps().now(), id, leftAs, moved.binding(), "", this.keepMillis);
		if (!back.ok()) {
			logger.warn("Switch {}: meeting {} could not take {} and meeting {} could not take it back ({})",
					moved.switchId(), moved.to(), id, moved.from(), back.status());
		}
		throw joined.refusal().toException(moved.to());
	}

}
