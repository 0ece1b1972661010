package dev.meetingbridge.web;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.switching.SwitchAnswer;
import dev.meetingbridge.switching.SwitchService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code switchTo}: asking a participant of a connected meeting to switch to another
 * meeting, or moving it there.
 */
@RestController
@Tag(name = "Connections")
class SwitchController {

	private final SwitchService switches;

	private final IdempotencyKeys keys;

	SwitchController(SwitchService switches, IdempotencyKeys keys) {
		this.switches = switches;
		this.keys = keys;
	}

	@PostMapping(path = "/api/meetings/{meetingId}/connections/{connectionId}/participants/{participantId}/switch",
			consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Ask a participant of the connected meeting to switch to another meeting (move: "
			+ "move it there)")
	@ApiResponse(responseCode = "202",
			description = "Its sessions were told (sessions: how many); with move, it has moved")
	ResponseEntity<SwitchAnswer> switchTo(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable MeetingId meetingId, @PathVariable ConnectionId connectionId,
			@PathVariable ParticipantId participantId, @RequestBody Requests.Switch body,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		if (body.token() != null && !body.token().isNull() && !body.token().isString()) {
			throw BridgeException.invalid("token", "must be a string (the token for the target meeting)");
		}
		String token = (body.token() != null && body.token().isString()) ? body.token().asString() : null;
		SwitchAnswer answer = this.switches.switchTo(principal, meetingId, connectionId, participantId,
				body.meetingId(), token, body.payload(), Boolean.TRUE.equals(body.move()),
				this.keys.of(key, principal, request, body));
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
	}

}
