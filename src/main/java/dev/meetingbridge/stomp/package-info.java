@NullMarked
@ApplicationModule(allowedDependencies = { "chat", "config", "connection", "event", "idempotency", "ids", "meeting",
		"presence", "problem", "security", "switching" })
package dev.meetingbridge.stomp;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
