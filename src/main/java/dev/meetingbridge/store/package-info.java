@NullMarked
@ApplicationModule(allowedDependencies = { "config", "idempotency", "ids", "problem" })
package dev.meetingbridge.store;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
