package dev.meetingbridge.web;

import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.webhook.WebhookService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The webhook endpoints as operators see them. */
@RestController
@Tag(name = "Webhooks")
class WebhookController {

	private final WebhookService webhooks;

	WebhookController(WebhookService webhooks) {
		this.webhooks = webhooks;
	}

	@GetMapping(path = "/api/webhooks", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Each webhook endpoint: pending meetings, the oldest pending event's age in seconds, "
			+ "health and last error (server tokens only)")
	WebhookService.Endpoints list(@AuthenticationPrincipal BridgePrincipal principal) {
		return this.webhooks.endpoints(principal);
	}

}
