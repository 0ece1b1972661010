/**
 * Typed meeting, participant and connection ids, with the one id format of the contract
 * ({@link dev.meetingbridge.ids.IdFormat}) and the generated ids.
 */
@NullMarked
@ApplicationModule(allowedDependencies = "problem")
package dev.meetingbridge.ids;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
