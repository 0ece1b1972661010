/**
 * Meeting events from Redis to this instance, each exactly once and in sequence order.
 * The path of one event:
 * <ol>
 * <li>{@link dev.meetingbridge.event.PubSubLink}: the instance's one Redis pub/sub
 * connection receives the message on the meeting's channel (sharded pub/sub on a cluster)
 * and hands it to that channel's receiver in {@link dev.meetingbridge.event.EventRelay},
 * the registry of meeting feeds;</li>
 * <li>{@link dev.meetingbridge.event.EventJson} reads it into a
 * {@link dev.meetingbridge.event.ReceivedEvent}: a
 * {@link dev.meetingbridge.event.BridgeEvent} of an
 * {@link dev.meetingbridge.event.EventType}, with its JSON as published;</li>
 * <li>the meeting's {@link dev.meetingbridge.event.MeetingFeed} checks its epoch and
 * sequence against the {@link dev.meetingbridge.event.FeedPosition}: the next one goes
 * straight on; one that jumps ahead waits while
 * {@link dev.meetingbridge.event.FeedRepair} reads the gap from the meeting's
 * {@link dev.meetingbridge.event.FeedHistory} (trying again after a
 * {@link dev.meetingbridge.periodic.Backoff} while Redis is away);</li>
 * <li>{@link dev.meetingbridge.event.FeedOrder} hands it to the meeting's one
 * {@link dev.meetingbridge.event.EventRelay.Listener}: the STOMP fan-out.</li>
 * </ol>
 * {@link dev.meetingbridge.event.RedisLinkWatch} proves the pub/sub link end to end and
 * has it renewed; {@link dev.meetingbridge.event.FeedStatistics} counts and reports what
 * the feeds repaired.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "chat", "config", "connection", "meeting", "periodic", "store" })
package dev.meetingbridge.event;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
