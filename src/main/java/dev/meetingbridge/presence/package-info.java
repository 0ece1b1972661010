@NullMarked
@ApplicationModule(allowedDependencies = { "config", "ids", "periodic", "store" })
package dev.meetingbridge.presence;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
