@NullMarked
@ApplicationModule(allowedDependencies = { "config", "ids", "store" })
package dev.meetingbridge.presence;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
