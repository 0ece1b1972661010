@NullMarked
@ApplicationModule(allowedDependencies = { "config", "connection", "idempotency", "ids", "meeting", "problem",
		"security", "store" })
package dev.meetingbridge.chat;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
