@NullMarked
@ApplicationModule(allowedDependencies = { "chat", "connection", "idempotency", "ids", "meeting", "problem", "security",
		"store", "switching", "webhook" })
package dev.meetingbridge.web;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
