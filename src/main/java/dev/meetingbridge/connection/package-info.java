@NullMarked
@ApplicationModule(allowedDependencies = { "ids", "meeting", "problem", "security", "store" })
package dev.meetingbridge.connection;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
