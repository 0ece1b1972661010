package dev.meetingbridge.presence;

import java.time.Clock;
import java.time.Duration;

import dev.meetingbridge.config.BridgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The grace of away participants: each is scheduled to leave when its grace runs out, and
 * any instance makes the due ones leave (the depart script refuses one that re-joined
 * meanwhile).
 */
@Component
class DepartureTimer {

	private static final Logger logger = LoggerFactory.getLogger(DepartureTimer.class);

	private static final int BATCH = 200;

	private final PresenceStore store;

	private final Clock clock;

	private final Duration grace;

	private final Counter departed;

	DepartureTimer(PresenceStore store, Clock clock, BridgeProperties properties, MeterRegistry meters) {
		this.store = store;
		this.clock = clock;
		this.grace = properties.presence().grace();
		this.departed = Counter.builder("bridge.presence.departed")
			.description("Participants made to leave because their session ended and the grace ran out")
			.register(meters);
	}

	/**
	 * The participant went away now: it leaves when the grace runs out, unless it
	 * re-joins.
	 */
	void schedule(Binding binding) {
		this.store.scheduleDeparture(binding, this.clock.millis() + this.grace.toMillis());
	}

	/**
	 * How often due departures are looked for: a tenth of the grace, from 250 ms to a
	 * second (a participant leaves at most that late; an idle instance asks Redis that
	 * often).
	 */
	long tickMillis() {
		return Math.clamp(this.grace.toMillis() / 10, 250, 1000);
	}

	/** Makes every away participant whose grace ran out leave. */
	void departDue() {
		for (String entry : this.store.dueDepartures(this.clock.millis(), BATCH)) {
			Binding.ofDeparture(entry).ifPresent((binding) -> {
				if (this.store.depart(binding, false)) {
					this.departed.increment();
					logger.info("Participant {} left meeting {}: disconnected for longer than {}",
							binding.participantId(), binding.meetingId(), this.grace);
				}
			});
			this.store.removeDeparture(entry);
		}
	}

}
