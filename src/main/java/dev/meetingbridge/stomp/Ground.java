package dev.meetingbridge.stomp;

/**
 * One reason a subscription may receive a meeting's events; it loses the reason when the
 * fact stops being true.
 */
sealed interface Ground {

	/** The meeting whose events can take this ground away. */
	String dependsOn();

	/** Server tokens: never lost. */
	record Server(String meetingId) implements Ground {

		@Override
		public String dependsOn() {
			return this.meetingId;
		}

	}

	/** The participant is a member of the meeting. */
	record Member(String meetingId, String participantId) implements Ground {

		@Override
		public String dependsOn() {
			return this.meetingId;
		}

	}

	/**
	 * The participant is a member of {@code viaMeetingId}, which the connection joins to
	 * the subscribed meeting.
	 */
	record Via(String connectionId, String viaMeetingId, String participantId) implements Ground {

		@Override
		public String dependsOn() {
			return this.viaMeetingId;
		}

	}

}
