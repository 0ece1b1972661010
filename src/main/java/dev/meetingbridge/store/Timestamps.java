package dev.meetingbridge.store;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

/**
 * The contract's timestamps (ISO-8601 UTC with milliseconds), all read from the
 * application's one {@link Clock}: the times of meetings, participants, connections and
 * events, which the scripts record as they are given.
 */
@Component
public final class Timestamps {

	private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final Clock clock;

	Timestamps(Clock clock) {
		this.clock = clock;
	}

	/** The current time in the contract's format. */
	public String now() {
		return format(this.clock.instant());
	}

	/** The current instant, for a timestamp that is also kept as a number. */
	public Instant instant() {
		return this.clock.instant();
	}

	public static String format(Instant instant) {
		return FORMAT.format(instant);
	}

}
