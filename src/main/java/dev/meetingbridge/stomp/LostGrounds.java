package dev.meetingbridge.stomp;

import java.util.function.Predicate;

import dev.meetingbridge.connection.ConnectionCloseReason;
import dev.meetingbridge.event.BridgeEvent;
import dev.meetingbridge.meeting.LeaveReason;
import org.jspecify.annotations.Nullable;

/**
 * Live authority: which grounds an event of a meeting takes away. While a meeting is
 * ending, its members and those who watch it through a connection keep their grounds
 * until {@code meeting-ended} itself, so that the whole cascade, and the news that the
 * meeting ended, still reaches them.
 */
final class LostGrounds {

	private LostGrounds() {
	}

	/**
	 * The grounds of the subscription that the event of {@code meetingId} takes away, or
	 * null when it takes none away.
	 */
	static @Nullable Predicate<Ground> takenBy(BridgeEvent event, String meetingId, Subscription subscription) {
		return switch (event) {
			case BridgeEvent.ParticipantLeft left when left.reason() != LeaveReason.MEETING_ENDED ->
				(ground) -> switch (ground) {
					case Ground.Member member ->
						member.meetingId().equals(meetingId) && member.participantId().equals(left.participant().id());
					case Ground.Via via ->
						via.viaMeetingId().equals(meetingId) && via.participantId().equals(left.participant().id());
					case Ground.Server server -> false;
				};
			case BridgeEvent.ConnectionClosed closed when closed.reason() != ConnectionCloseReason.MEETING_ENDED ->
				(ground) -> ground instanceof Ground.Via via && via.connectionId().equals(closed.connectionId());
			case BridgeEvent.MeetingEnded ended -> (ground) -> switch (ground) {
				case Ground.Member member -> member.meetingId().equals(meetingId);
				case Ground.Via via ->
					via.viaMeetingId().equals(meetingId) || subscription.meetingId().equals(meetingId);
				case Ground.Server server -> false;
			};
			default -> null;
		};
	}

}
