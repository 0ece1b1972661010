package dev.meetingbridge.webhook;

import java.time.Clock;
import java.time.Duration;

import dev.meetingbridge.config.BridgeProperties;
import dev.meetingbridge.periodic.PeriodicComponent;
import dev.meetingbridge.periodic.PeriodicTasks;
import dev.meetingbridge.store.WebhookKeys;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Looks at the webhook schedule in the background: every sweep hands each lane the
 * meetings whose next attempt is due (a retry, another instance's event, a meeting whose
 * deliverer died and whose lease ran out), and now and then counts the backlog for the
 * metrics.
 */
@Component
class WebhookSchedule extends PeriodicComponent {

	/** How often the backlog gauges are counted: 16 shards, or (a cluster) 16,384. */
	private static final Duration BACKLOG_EVERY = Duration.ofSeconds(5);

	private static final Duration CLUSTER_BACKLOG_EVERY = Duration.ofSeconds(30);

	private final WebhookDelivery delivery;

	private final WebhookStore store;

	private final Clock clock;

	private final long sweepMillis;

	private final long backlogMillis;

	private final PeriodicTasks tasks;

	WebhookSchedule(WebhookDelivery delivery, WebhookStore store, Clock clock, BridgeProperties properties,
			WebhookKeys keys, PeriodicTasks tasks) {
		this.tasks = tasks;
		this.delivery = delivery;
		this.store = store;
		this.clock = clock;
		this.sweepMillis = sweepMillis(properties.webhooks().leaseTtl(), keys.shards().size());
		this.backlogMillis = ((keys.shards().size() > 64) ? CLUSTER_BACKLOG_EVERY : BACKLOG_EVERY).toMillis();
	}

	/**
	 * How often the schedule is read: well inside the lease, so that a dead deliverer's
	 * meetings are taken over soon after it runs out; at most once a second on a
	 * standalone Redis (16 reads), and every few seconds on a cluster (16,384 reads per
	 * endpoint: retries wait a little longer, which their back-off dwarfs).
	 */
	static long sweepMillis(Duration leaseTtl, int shards) {
		long lease = leaseTtl.toMillis();
		return (shards > 64) ? Math.max(1000, Math.min(5000, lease / 3)) : Math.max(100, Math.min(1000, lease / 4));
	}

	@Override
	public void start() {
		if (this.delivery.lanes().isEmpty()) {
			return;
		}
		Duration sweep = Duration.ofMillis(this.sweepMillis);
		run(this.tasks.every("sweep the webhook schedule", sweep, sweep, this::sweep), this.tasks.every(
				"count the webhook backlog", Duration.ZERO, Duration.ofMillis(this.backlogMillis), this::countBacklog));
	}

	void sweep() {
		long now = this.clock.millis();
		for (WebhookLane lane : this.delivery.lanes()) {
			this.store.due(lane.endpoint(), now).forEach(lane::kick);
		}
	}

	private void countBacklog() {
		for (WebhookLane lane : this.delivery.lanes()) {
			lane.metrics().backlog(this.store.backlog(lane.endpoint()), this.clock.millis());
		}
	}

	@Override
	public void stop() {
		super.stop();
		this.delivery.stop();
	}

	/** Before Redis goes. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

}
