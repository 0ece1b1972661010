package dev.meetingbridge.web;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

/** Thrown while reading a request body that goes past the limit. */
class BodyTooLargeException extends IOException {

	BodyTooLargeException(long limit) {
		super("The request body is larger than " + limit + " bytes");
	}

	static @Nullable BodyTooLargeException find(Throwable ex) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (current instanceof BodyTooLargeException tooLarge) {
				return tooLarge;
			}
		}
		return null;
	}

}
