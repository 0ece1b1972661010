package dev.meetingbridge.web;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.security.Permission;
import dev.meetingbridge.security.TokenMinter;
import dev.meetingbridge.store.IdempotencyRecords;
import dev.meetingbridge.store.Timestamps;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mints participant tokens for a server token, so that the console (or a quick trial) can
 * sign in as a participant without the secret. A server token may already act for anyone,
 * so this grants nothing it did not have; production backends mint their own tokens.
 */
@RestController
@Tag(name = "Tokens")
class TokenController {

	private static final Duration DEFAULT_TTL = Duration.ofHours(1);

	private static final Duration MAX_TTL = Duration.ofDays(1);

	private final TokenMinter minter;

	private final Clock clock;

	private final IdempotencyRecords records;

	private final IdempotencyKeys keys;

	private final JsonMapper json;

	TokenController(TokenMinter minter, Clock clock, IdempotencyRecords records, IdempotencyKeys keys,
			JsonMapper json) {
		this.minter = minter;
		this.clock = clock;
		this.records = records;
		this.keys = keys;
		this.json = json;
	}

	/**
	 * {@code {"participantId", "permissions"?: ["allow_join", "allow_mod"], "roomId"?,
	 * "ttlSeconds"?}}
	 */
	record MintRequest(@Nullable String participantId, @Nullable List<String> permissions, @Nullable String roomId,
			@Nullable Long ttlSeconds) {
	}

	@PostMapping(path = "/api/tokens", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Mint a participant token (server tokens only; for trying things out)")
	@ApiResponse(responseCode = "201", description = "{\"token\", \"expiresAt\"}")
	ResponseEntity<Minted> mint(@AuthenticationPrincipal BridgePrincipal principal, @RequestBody MintRequest body,
			@RequestHeader(name = Idempotency.HEADER, required = false) @Nullable String key,
			ServerHttpRequest request) {
		Idempotency idempotency = this.keys.of(key, principal, request, body);
		String record = (idempotency != null) ? this.records.ofItsOwn(idempotency) : "";
		Minted minted = this.records.once(idempotency, record, "", this.json::writeValueAsString,
				(attempt) -> new IdempotencyRecords.Answer<>(mint(principal, body), 201));
		return ResponseEntity.status(HttpStatus.CREATED).body(minted);
	}

	/** A minted token and when it expires. */
	record Minted(String token, String expiresAt) {
	}

	private Minted mint(BridgePrincipal principal, MintRequest body) {
		if (!principal.server()) {
			throw BridgeException.forbidden("Only server tokens may mint tokens");
		}
		String participantId = IdFormat.require("participantId", body.participantId());
		String roomId = body.roomId() == null ? null : IdFormat.require("roomId", body.roomId());
		Set<Permission> permissions = EnumSet.noneOf(Permission.class);
		for (String claim : body.permissions() == null ? List.of(Permission.ALLOW_JOIN.claim()) : body.permissions()) {
			permissions.add(EnumSet.allOf(Permission.class)
				.stream()
				.filter((permission) -> permission.claim().equals(claim))
				.findFirst()
				.orElseThrow(() -> BridgeException.invalid("permissions", "must be allow_join or allow_mod")));
		}
		Duration ttl = body.ttlSeconds() == null ? DEFAULT_TTL : Duration.ofSeconds(body.ttlSeconds());
		if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
			throw BridgeException.invalid("ttlSeconds", "must be between 1 and " + MAX_TTL.toSeconds());
		}
		String token = this.minter.participantToken(participantId, permissions, roomId, ttl);
		return new Minted(token, Timestamps.format(this.clock.instant().plus(ttl)));
	}

}
