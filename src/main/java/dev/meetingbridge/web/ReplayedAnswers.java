package dev.meetingbridge.web;

import java.nio.charset.StandardCharsets;

import dev.meetingbridge.idempotency.Replayed;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The answer a request with the same {@code Idempotency-Key} got before, given again byte
 * for byte, marked {@code Idempotent-Replayed: true}.
 */
@RestControllerAdvice
class ReplayedAnswers {

	static final String HEADER = "Idempotent-Replayed";

	@ExceptionHandler(Replayed.class)
	ResponseEntity<byte[]> replayed(Replayed replayed) {
		ResponseEntity.BodyBuilder answer = ResponseEntity.status(replayed.status()).header(HEADER, "true");
		if (replayed.body().isEmpty()) {
			return answer.build();
		}
		// As bytes: a String would be written as a JSON string literal.
		return answer.contentType(MediaType.APPLICATION_JSON).body(replayed.body().getBytes(StandardCharsets.UTF_8));
	}

}
