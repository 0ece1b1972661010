/**
 * meeting-bridge client: VideoSDK's `ConnectionMeeting` API on top of the bridge's REST and
 * STOMP-over-WebSocket API, for browsers and Node 18+, with no dependencies.
 *
 * ```js
 * const bridge = await MeetingBridge.connect({ url: 'http://localhost:8080', token });
 * const meeting = await bridge.meeting('mars', { join: { displayName: 'Alice' } });
 * const connection = await meeting.connectTo({ meetingId: 'earth', payload: 'Hello Everyone.' });
 * connection.meeting.on('participant-joined', (participant) => console.log(participant.displayName));
 * connection.meeting.participants;                          // Map, kept live
 * await connection.meeting.sendChatMessage('Hi there, from MARS!');
 * await connection.meeting.end();
 * ```
 *
 * - REST does every change, so each call resolves with the bridge's answer or rejects with a
 *   {@link BridgeError} carrying the problem details. Every change carries a fresh
 *   `Idempotency-Key` and is sent again with it after a network error, 502, 503, 504 or
 *   `idempotency-key-in-progress` (honouring `Retry-After`, for up to `retryForMs`, 30 s), so it
 *   takes effect once.
 * - STOMP carries the events. While the client follows a meeting it subscribes to its six topics;
 *   every event carries a per-meeting `sequence`, and the client applies each event once, in
 *   sequence order. A jump (events lost on the way) or a reconnect makes it fill what it missed
 *   from `GET /api/meetings/{m}/events?after=N` first; when the bridge closes the session with
 *   code 4000 (`resync`), or the history no longer reaches back, it reloads the meeting. Each
 *   catch-up ends with a `sync` event.
 * - Sequences compare within one `epoch` of the meeting's history only: an event of another
 *   epoch, a history read refused with `history-reset`, or a history whose event at the last
 *   applied sequence is another one makes the client reload the meeting.
 * - The WebSocket reconnects by itself with a capped, jittered back-off.
 *
 * @module @meeting-bridge/client
 */
export { MeetingBridge } from './bridge.js';
export { Meeting } from './meeting.js';
export { Connection, ConnectionMeeting, ConnectionParticipant } from './connection.js';
export { BridgeError } from './errors.js';
export { EVENT_TYPES } from './topics.js';
export { decodeToken } from './token.js';
export { verifyWebhook, WebhookVerificationError } from './webhook.js';
export { MeetingBridge as default } from './bridge.js';

/**
 * @typedef {import('./types.js').Participant} Participant
 * @typedef {import('./types.js').ChatMessage} ChatMessage
 * @typedef {import('./types.js').ConnectionInfo} ConnectionInfo
 * @typedef {import('./types.js').MeetingInfo} MeetingInfo
 * @typedef {import('./types.js').MeetingSummary} MeetingSummary
 * @typedef {import('./types.js').WebhookEndpointStatus} WebhookEndpointStatus
 * @typedef {import('./types.js').MeetingStatus} MeetingStatus
 * @typedef {import('./types.js').Problem} Problem
 * @typedef {import('./types.js').BridgeEvent} BridgeEvent
 * @typedef {import('./types.js').EventType} EventType
 * @typedef {import('./types.js').ParticipantJoinedEvent} ParticipantJoinedEvent
 * @typedef {import('./types.js').ParticipantLeftEvent} ParticipantLeftEvent
 * @typedef {import('./types.js').ChatMessageEvent} ChatMessageEvent
 * @typedef {import('./types.js').ConnectionOpenEvent} ConnectionOpenEvent
 * @typedef {import('./types.js').ConnectionCloseEvent} ConnectionCloseEvent
 * @typedef {import('./types.js').MeetingEndedEvent} MeetingEndedEvent
 * @typedef {import('./types.js').SyncEvent} SyncEvent
 * @typedef {import('./types.js').LostEvent} LostEvent
 * @typedef {import('./types.js').TokenExpired} TokenExpired
 * @typedef {import('./types.js').SwitchMeeting} SwitchMeeting
 * @typedef {import('./types.js').SwitchOptions} SwitchOptions
 * @typedef {import('./types.js').SwitchAnswer} SwitchAnswer
 * @typedef {import('./types.js').MeetingEvents} MeetingEvents
 * @typedef {import('./types.js').ConnectionMeetingEvents} ConnectionMeetingEvents
 * @typedef {import('./types.js').BridgeEvents} BridgeEvents
 * @typedef {import('./types.js').BridgeState} BridgeState
 * @typedef {import('./options.js').ConnectOptions} ConnectOptions
 * @typedef {import('./options.js').JoinOptions} JoinOptions
 * @typedef {import('./options.js').Identity} Identity
 * @typedef {import('./webhook.js').WebhookPayload} WebhookPayload
 * @typedef {import('./webhook.js').WebhookHeaders} WebhookHeaders
 */
