/**
 * Webhooks: every event of every meeting, posted to each configured endpoint, signed
 * after the Standard Webhooks convention, per meeting in sequence order, at least once,
 * from the meeting's history and a delivery state in Redis that any instance can take
 * over.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "config", "periodic", "presence", "problem", "security", "store" })
package dev.meetingbridge.webhook;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
