/**
 * The instance's background work: every periodic task (the Redis link probe, presence
 * leases and departures, switch take-overs, the webhook sweep, the STOMP sessions'
 * liveness checks, the event feeds' report) timed by one thread; and the one
 * {@link dev.meetingbridge.periodic.Backoff} of work that retries after failures.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {})
package dev.meetingbridge.periodic;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
