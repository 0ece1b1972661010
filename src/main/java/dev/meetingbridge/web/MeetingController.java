package dev.meetingbridge.web;

import java.util.Map;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.meeting.EventHistory;
import dev.meetingbridge.meeting.JoinResult;
import dev.meetingbridge.meeting.Meeting;
import dev.meetingbridge.meeting.MeetingPage;
import dev.meetingbridge.meeting.MeetingService;
import dev.meetingbridge.meeting.Participant;
import dev.meetingbridge.security.BridgePrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Meetings, their participants and their event history. */
@RestController
@Tag(name = "Meetings")
@RequestMapping(path = "/api/meetings", produces = MediaType.APPLICATION_JSON_VALUE)
class MeetingController {

	private final MeetingService meetings;

	private final IdempotencyKeys keys;

	MeetingController(MeetingService meetings, IdempotencyKeys keys) {
		this.meetings = meetings;
		this.keys = keys;
	}

	@PostMapping
	@Operation(summary = "Create a meeting (generated id when none is given)")
	@ApiResponse(responseCode = "201", description = "The meeting")
	ResponseEntity<Meeting> create(@AuthenticationPrincipal BridgePrincipal principal,
			@RequestBody(required = false) Requests.@Nullable CreateMeeting body,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		Meeting meeting = this.meetings.create(principal, body == null ? null : body.meetingId(),
				this.keys.of(key, principal, request, body));
		return ResponseEntity.status(HttpStatus.CREATED).body(meeting);
	}

	@GetMapping
	@Operation(summary = "List meetings, newest first (server tokens only)")
	MeetingPage list(@AuthenticationPrincipal BridgePrincipal principal,
			@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable String limit) {
		return this.meetings.list(principal, status, cursor, Params.integer("limit", limit, 100));
	}

	@GetMapping("/{meetingId}")
	@Operation(summary = "Read a meeting")
	Meeting get(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable MeetingId meetingId) {
		return this.meetings.get(principal, meetingId);
	}

	@PostMapping("/{meetingId}/end")
	@Operation(summary = "End a meeting: every participant leaves, every connection closes, then meeting-ended")
	Meeting end(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable MeetingId meetingId,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		return this.meetings.end(principal, meetingId, this.keys.of(key, principal, request, null));
	}

	@PostMapping(path = "/{meetingId}/participants", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Join a meeting (200 and no event when already a member)")
	@ApiResponse(responseCode = "201", description = "Joined")
	ResponseEntity<Participant> join(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable MeetingId meetingId, @RequestBody Requests.Join body,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		JoinResult result = this.meetings.join(principal, meetingId, body.participantId(), body.displayName(), null,
				this.keys.of(key, principal, request, body));
		return ResponseEntity.status(result.joined() ? HttpStatus.CREATED : HttpStatus.OK).body(result.participant());
	}

	/**
	 * {@link #join} for a request without an {@code Idempotency-Key}, answered without
	 * waiting for Redis; null when it takes the blocking path.
	 */
	@Nullable Mono<?> joinReactive(BridgePrincipal principal, MeetingId meetingId, Requests.Join body) {
		Mono<JoinResult> joined = this.meetings.joinReactive(principal, meetingId, body.participantId(),
				body.displayName());
		return (joined != null)
				? joined.map((result) -> ResponseEntity.status(result.joined() ? HttpStatus.CREATED : HttpStatus.OK)
					.body(result.participant()))
				: null;
	}

	/**
	 * {@link #leave} for a request without an {@code Idempotency-Key}, answered without
	 * waiting for Redis; null when it takes the blocking path.
	 */
	@Nullable Mono<?> leaveReactive(BridgePrincipal principal, MeetingId meetingId, ParticipantId participantId) {
		Mono<Void> left = this.meetings.leaveReactive(principal, meetingId, participantId);
		return (left != null) ? left.then(Mono.fromSupplier(() -> ResponseEntity.noContent().build())) : null;
	}

	@GetMapping("/{meetingId}/participants")
	@Operation(summary = "List the participants of a meeting")
	Map<String, Map<String, Participant>> participants(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable MeetingId meetingId) {
		return Map.of("participants", this.meetings.participants(principal, meetingId));
	}

	@DeleteMapping("/{meetingId}/participants/{participantId}")
	@Operation(summary = "Leave, or remove another participant")
	@ApiResponse(responseCode = "204", description = "Left")
	ResponseEntity<Void> leave(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable MeetingId meetingId,
			@PathVariable ParticipantId participantId,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		this.meetings.leave(principal, meetingId, participantId, this.keys.of(key, principal, request, null));
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/{meetingId}/events")
	@Operation(summary = "Event history, oldest first, sequence greater than after; with epoch, 409 history-reset "
			+ "when the meeting's history no longer continues that position")
	EventHistory events(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable MeetingId meetingId,
			@RequestParam(required = false) @Nullable String after,
			@RequestParam(required = false) @Nullable String limit,
			@RequestParam(required = false) @Nullable String epoch) {
		return this.meetings.history(principal, meetingId, Params.integer("after", after, 0L),
				(int) Params.integer("limit", limit, 100), epoch);
	}

}
