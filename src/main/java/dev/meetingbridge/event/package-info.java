@NullMarked
@ApplicationModule(allowedDependencies = { "chat", "config", "connection", "meeting", "periodic", "store" })
package dev.meetingbridge.event;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
