@NullMarked
@ApplicationModule(allowedDependencies = {})
package dev.meetingbridge.problem;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
