package dev.meetingbridge.meeting;

import java.util.List;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Recorded events of one meeting, oldest first, with the newest sequence number and the
 * epoch they belong to.
 */
public record EventHistory(List<JsonNode> events, long latestSequence, String epoch) {

	/**
	 * Refuses with {@code history-reset} a position ({@code after} in {@code epoch}, the
	 * one the caller's position belongs to) that this history no longer continues: the
	 * epoch changed since, or the caller saw events beyond what the history now holds.
	 * Without an epoch, any position is taken as it is.
	 */
	void requireContinues(MeetingId meetingId, long after, @Nullable String epoch) {
		if (epoch != null && !epoch.equals(this.epoch)) {
			throw new BridgeException(Problem.HISTORY_RESET, "The history of meeting " + meetingId
					+ " was reset since epoch " + epoch + " (it is now " + this.epoch + "): reload the meeting");
		}
		if (epoch != null && after > this.latestSequence) {
			throw new BridgeException(Problem.HISTORY_RESET, "The history of meeting " + meetingId + " ends at "
					+ this.latestSequence + ", before " + after + ": reload the meeting");
		}
	}

}
