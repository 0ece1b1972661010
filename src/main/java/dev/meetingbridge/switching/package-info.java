/**
 * Switching a participant of a connected meeting to another meeting: asking its sessions
 * to switch, or moving it (a recorded intent, finished or undone by any instance).
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "config", "connection", "event", "idempotency", "ids", "meeting", "periodic",
		"presence", "problem", "security", "store" })
package dev.meetingbridge.switching;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
