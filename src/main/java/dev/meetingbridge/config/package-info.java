@NullMarked
@ApplicationModule(allowedDependencies = {})
package dev.meetingbridge.config;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
