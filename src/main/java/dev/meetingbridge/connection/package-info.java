@NullMarked
@ApplicationModule(allowedDependencies = { "idempotency", "ids", "meeting", "problem", "security", "store" })
package dev.meetingbridge.connection;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
