package dev.meetingbridge.web;

import java.util.List;
import java.util.Map;

import dev.meetingbridge.chat.ChatMessage;
import dev.meetingbridge.chat.ChatService;
import dev.meetingbridge.connection.ConnectResult;
import dev.meetingbridge.connection.Connection;
import dev.meetingbridge.connection.ConnectionService;
import dev.meetingbridge.meeting.Identifiers;
import dev.meetingbridge.meeting.Meeting;
import dev.meetingbridge.security.BridgePrincipal;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A meeting's connections, chat over them, and ending the meeting at the other end. */
@RestController
@RequestMapping(path = "/api/meetings/{meetingId}/connections", produces = MediaType.APPLICATION_JSON_VALUE)
class ConnectionController {

	private final ConnectionService connections;

	private final ChatService chat;

	ConnectionController(ConnectionService connections, ChatService chat) {
		this.connections = connections;
		this.chat = chat;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Connection> connect(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable String meetingId, @RequestBody Requests.Connect body) {
		ConnectResult result = this.connections.connect(principal, Identifiers.require("meetingId", meetingId),
				body.meetingId(), body.payload());
		return ResponseEntity.status(result.opened() ? HttpStatus.CREATED : HttpStatus.OK).body(result.connection());
	}

	@GetMapping
	Map<String, List<Connection>> list(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable String meetingId) {
		return Map.of("connections", this.connections.list(principal, Identifiers.require("meetingId", meetingId)));
	}

	@GetMapping("/{connectionId}")
	Connection get(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable String meetingId,
			@PathVariable String connectionId) {
		return this.connections.get(principal, Identifiers.require("meetingId", meetingId),
				Identifiers.require("connectionId", connectionId));
	}

	@DeleteMapping("/{connectionId}")
	ResponseEntity<Void> close(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable String meetingId,
			@PathVariable String connectionId) {
		this.connections.close(principal, Identifiers.require("meetingId", meetingId),
				Identifiers.require("connectionId", connectionId));
		return ResponseEntity.noContent().build();
	}

	@PostMapping(path = "/{connectionId}/chat-messages", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<ChatMessage> sendChat(@AuthenticationPrincipal BridgePrincipal principal,
			@PathVariable String meetingId, @PathVariable String connectionId, @RequestBody Requests.SendChat body) {
		ChatMessage message = this.chat.send(principal, Identifiers.require("meetingId", meetingId),
				Identifiers.require("connectionId", connectionId), body.message(), body.senderId());
		return ResponseEntity.status(HttpStatus.CREATED).body(message);
	}

	@PostMapping("/{connectionId}/end")
	Meeting endOther(@AuthenticationPrincipal BridgePrincipal principal, @PathVariable String meetingId,
			@PathVariable String connectionId) {
		return this.connections.endOther(principal, Identifiers.require("meetingId", meetingId),
				Identifiers.require("connectionId", connectionId));
	}

}
