package dev.meetingbridge.web;

import java.util.List;
import java.util.Map;

import dev.meetingbridge.chat.ChatMessage;
import dev.meetingbridge.chat.ChatService;
import dev.meetingbridge.connection.ConnectResult;
import dev.meetingbridge.connection.Connection;
import dev.meetingbridge.connection.ConnectionService;
import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.ConnectionId;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.meeting.Meeting;
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
import org.springframework.web.bind.annotation.RestController;

/** A meeting's connections, chat over them, and ending the meeting at the other end. */
@RestController
@Tag(name = "Connections")
@RequestMapping(path = "/api/meetings/{meetingId}/connections", produces = MediaType.APPLICATION_JSON_VALUE)
class ConnectionController {

	private final ConnectionService connections;

	private final ChatService chat;

	private final IdempotencyKeys keys;

	ConnectionController(ConnectionService connections, ChatService chat, IdempotencyKeys keys) {
		this.connections = connections;
		this.chat = chat;
		this.keys = keys;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Connect the meeting to another (200 with the existing connection when already connected)")
	@ApiResponse(responseCode = "201", description = "Connected")
	ResponseEntity<Connection> connect(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable MeetingId meetingId, @RequestBody Requests.Connect body,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		ConnectResult result = this.connections.connect(principal, meetingId, body.meetingId(), body.payload(),
				this.keys.of(key, principal, request, body));
		return ResponseEntity.status(result.opened() ? HttpStatus.CREATED : HttpStatus.OK).body(result.connection());
	}

	@GetMapping
	@Operation(summary = "List the meeting's open connections")
	Map<String, List<Connection>> list(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable MeetingId meetingId) {
		return Map.of("connections", this.connections.list(principal, meetingId));
	}

	@GetMapping("/{connectionId}")
	@Operation(summary = "Read one connection, as seen from this meeting")
	Connection get(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable MeetingId meetingId,
			@PathVariable ConnectionId connectionId) {
		return this.connections.get(principal, meetingId, connectionId);
	}

	@DeleteMapping("/{connectionId}")
	@Operation(summary = "Close a connection (either side may)")
	@ApiResponse(responseCode = "204", description = "Closed")
	ResponseEntity<Void> close(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable MeetingId meetingId,
			@PathVariable ConnectionId connectionId,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		this.connections.close(principal, meetingId, connectionId, this.keys.of(key, principal, request, null));
		return ResponseEntity.noContent().build();
	}

	@PostMapping(path = "/{connectionId}/chat-messages", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Send a chat message to the meeting at the other end")
	@ApiResponse(responseCode = "201", description = "Sent")
	ResponseEntity<ChatMessage> sendChat(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable MeetingId meetingId, @PathVariable ConnectionId connectionId,
			@RequestBody Requests.SendChat body,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		ChatMessage message = this.chat.send(principal, meetingId, connectionId, body.message(), body.senderId(),
				this.keys.of(key, principal, request, body));
		return ResponseEntity.status(HttpStatus.CREATED).body(message);
	}

	/**
	 * {@link #sendChat} for a request without an {@code Idempotency-Key}, answered
	 * without waiting for Redis; null when it takes the blocking path.
	 */
	@Nullable Mono<?> sendChatReactive(BridgePrincipal principal, MeetingId meetingId, ConnectionId connectionId,
			Requests.SendChat body) {
		Mono<ChatMessage> sent = this.chat.sendReactive(principal, meetingId, connectionId, body.message(),
				body.senderId());
		return (sent != null) ? sent.map((message) -> ResponseEntity.status(HttpStatus.CREATED).body(message)) : null;
	}

	@PostMapping("/{connectionId}/end")
	@Operation(summary = "End the meeting at the other end of the connection")
	Meeting endOther(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable MeetingId meetingId,
			@PathVariable ConnectionId connectionId,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		return this.connections.endOther(principal, meetingId, connectionId,
				this.keys.of(key, principal, request, null));
	}

}
