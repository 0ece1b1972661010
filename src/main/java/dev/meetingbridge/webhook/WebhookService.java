package dev.meetingbridge.webhook;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.BridgePrincipal;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/** The operator's view of the webhook endpoints (server tokens only). */
@Service
public class WebhookService {

	private final WebhookDelivery delivery;

	private final WebhookStore store;

	private final Clock clock;

	WebhookService(WebhookDelivery delivery, WebhookStore store, Clock clock) {
		this.delivery = delivery;
		this.store = store;
		this.clock = clock;
	}

	/**
	 * One endpoint as operators see it: its URL without credentials, how many meetings
	 * have events it has not had, how long the oldest of those has waited (seconds), its
	 * health and its last error.
	 */
	public record EndpointStatus(String url, long pendingMeetings, double oldestPendingAge, String state,
			@Nullable String lastError) {
	}

	/** What {@code GET /api/webhooks} answers. */
	public record Endpoints(List<EndpointStatus> endpoints) {
	}

	public Endpoints endpoints(BridgePrincipal principal) {
		if (!principal.server()) {
			throw BridgeException.forbidden("Reading the webhook endpoints needs a server token");
		}
		List<EndpointStatus> all = new ArrayList<>();
		for (WebhookLane lane : this.delivery.lanes()) {
			WebhookStore.Backlog backlog = this.store.backlog(lane.endpoint());
			long now = this.clock.millis();
			long pending = backlog.pendingMeetings();
			Long since = backlog.oldestSinceMillis();
			lane.metrics().backlog(backlog, now);
			Map<Object, Object> health = this.store.health(lane.endpoint());
			Object error = health.get("error");
			all.add(new EndpointStatus(lane.endpoint().safeUrl(), pending,
					(since == null) ? 0 : Math.max(0, now - since) / 1000.0,
					String.valueOf(health.getOrDefault("state", "ok")), (error != null) ? error.toString() : null));
		}
		return new Endpoints(all);
	}

}
