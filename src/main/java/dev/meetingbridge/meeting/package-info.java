@NullMarked
@ApplicationModule(allowedDependencies = { "config", "idempotency", "ids", "problem", "security", "store" })
package dev.meetingbridge.meeting;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
