/**
 * STOMP 1.2 over WebSocket at {@code /ws}, and the local fan-out of meeting events. The
 * path of one event once the event relay hands it over:
 * <ol>
 * <li>{@link dev.meetingbridge.stomp.MeetingRoute}, the meeting's listener while
 * {@link dev.meetingbridge.stomp.MeetingHolds} keeps the instance listening to it, takes
 * away the grounds the event ends ({@link dev.meetingbridge.stomp.LostGrounds}), builds
 * the MESSAGE frame once ({@link dev.meetingbridge.stomp.StompFrames}) and hands it, with
 * the meeting's subscriptions of that type, to the
 * {@link dev.meetingbridge.stomp.LoopWriter} of each event loop that serves one;</li>
 * <li>the {@link dev.meetingbridge.stomp.LoopWriter} writes each
 * {@link dev.meetingbridge.stomp.Subscription}'s copy to its
 * {@link dev.meetingbridge.stomp.StompSession}'s socket, on that loop, and flushes each
 * socket once per batch.</li>
 * </ol>
 * The way in: {@link dev.meetingbridge.stomp.StompWebSocketHandler} decodes a socket's
 * frames and {@link dev.meetingbridge.stomp.StompProtocol} handles them. A SUBSCRIBE is
 * authorised by {@link dev.meetingbridge.stomp.TopicSubscriptions}, which holds every
 * meeting involved ({@link dev.meetingbridge.stomp.MeetingHold}) and hands the holds to
 * the subscription, kept in its session's
 * {@link dev.meetingbridge.stomp.SessionSubscriptions}.
 * {@link dev.meetingbridge.stomp.StompSessions} is the registry of open sessions, and
 * {@link dev.meetingbridge.stomp.SessionWatch} ends those whose client is gone.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "chat", "config", "connection", "event", "idempotency", "ids", "meeting",
		"periodic", "presence", "problem", "security", "switching" })
package dev.meetingbridge.stomp;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
