/**
 * Safe retries: a request with an {@code Idempotency-Key} takes effect once, and its
 * repeats get the answer the first one got.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "problem" })
package dev.meetingbridge.idempotency;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
