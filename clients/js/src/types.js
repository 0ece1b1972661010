// The shapes the bridge sends (its REST bodies and event payloads) and the event maps that type
// every listener. Types only: this module exports no values.

/**
 * @typedef {object} Participant
 * @property {string} id
 * @property {string} displayName
 * @property {string} joinedAt ISO-8601 timestamp
 */

/**
 * @typedef {object} ChatMessage
 * @property {string} id
 * @property {string} connectionId
 * @property {string} fromMeetingId
 * @property {string} toMeetingId
 * @property {{id: string, displayName: string}} sender
 * @property {string} message
 * @property {string} timestamp
 */

/** @typedef {'active' | 'ended'} MeetingStatus */

/**
 * A connection as the bridge sends it, seen from `meetingId`'s side: `meeting` is the other end.
 * @typedef {object} ConnectionInfo
 * @property {string} id
 * @property {string} payload
 * @property {string} createdAt
 * @property {string} meetingId
 * @property {{id: string, participants?: Record<string, Participant>}} meeting
 */

/**
 * A meeting as `GET /api/meetings/{m}` returns it.
 * @typedef {object} MeetingInfo
 * @property {string} id
 * @property {MeetingStatus} status
 * @property {string} createdAt
 * @property {string} [endedAt]
 * @property {Record<string, Participant>} participants
 * @property {string[]} connections open connection ids
 */

/**
 * One row of `GET /api/meetings`.
 * @typedef {object} MeetingSummary
 * @property {string} id
 * @property {MeetingStatus} status
 * @property {string} createdAt
 * @property {string} [endedAt]
 * @property {number} participantCount
 * @property {number} connectionCount
 */

/**
 * One webhook endpoint in `GET /api/webhooks`.
 * @typedef {object} WebhookEndpointStatus
 * @property {string} url without credentials
 * @property {number} pendingMeetings meetings with events the endpoint has not had
 * @property {number} oldestPendingAge seconds the oldest of them has waited
 * @property {'ok' | 'failing'} state `failing` while its attempts are retried
 * @property {string} [lastError]
 */

/**
 * RFC 9457 problem details as the bridge sends them.
 * @typedef {object} Problem
 * @property {string} [type]
 * @property {string} title
 * @property {number} status HTTP status, 0 when the bridge was not reached
 * @property {string} [detail]
 * @property {string} [code] stable machine-readable code, e.g. `meeting-ended`
 * @property {{field: string, message: string}[]} [errors]
 * @property {number} [retryAfter] seconds to wait before trying again (from the body, or a REST
 *   answer's `Retry-After` header)
 */

/**
 * What every event has.
 * @typedef {object} EventBase
 * @property {string} meetingId the meeting whose topic carries it
 * @property {string} epoch names the meeting's history: `(epoch, sequence)` names one event. A new
 *   epoch means the history was reset (Redis lost acknowledged writes): sequences go on from
 *   where the meeting stands, which may repeat numbers already seen
 * @property {number} sequence per meeting, from 1, one more with each event of that meeting
 * @property {string} timestamp
 */

/** @typedef {EventBase & {type: 'participant-joined', participant: Participant}} ParticipantJoinedEvent */
/** @typedef {'left' | 'removed' | 'meeting-ended' | 'disconnected'} LeaveReason */
/** @typedef {EventBase & {type: 'participant-left', participant: Participant, reason: LeaveReason}} ParticipantLeftEvent */
/** @typedef {EventBase & {type: 'chat-message', message: ChatMessage}} ChatMessageEvent */
/** @typedef {EventBase & {type: 'connection-open', connection: ConnectionInfo}} ConnectionOpenEvent */
/** @typedef {EventBase & {type: 'connection-close', connectionId: string, reason: 'closed' | 'meeting-ended'}} ConnectionCloseEvent */
/** @typedef {EventBase & {type: 'meeting-ended', endedBy?: {meetingId: string, participantId?: string}}} MeetingEndedEvent */

/**
 * An event as the bridge publishes it.
 * @typedef {ParticipantJoinedEvent | ParticipantLeftEvent | ChatMessageEvent | ConnectionOpenEvent
 *   | ConnectionCloseEvent | MeetingEndedEvent} BridgeEvent
 */

/** @typedef {BridgeEvent['type']} EventType */

/**
 * Emitted after the client caught up with a meeting: `gap` after it filled a jump in the
 * sequence from the history, `reconnect` after a new STOMP session, `resync` after the bridge
 * closed the session because the history no longer held what was missed, or after the meeting's
 * history was reset (a new epoch; the state is then always reloaded). `reloaded` says the
 * state was replaced from a fresh snapshot rather than from events (listeners did not get the
 * events in between: read `participants` again).
 * @typedef {object} SyncEvent
 * @property {'sync'} type
 * @property {string} meetingId
 * @property {number} sequence the last sequence applied
 * @property {'gap' | 'reconnect' | 'resync'} reason
 * @property {boolean} reloaded
 */

/**
 * Listener arguments of a meeting the caller follows ({@link import('./meeting.js').Meeting}):
 * the event's subject first, then the whole event. `'*'` gets every event in sequence order and
 * every {@link SyncEvent}.
 * @typedef {{
 *   'participant-joined': [participant: Participant, event: ParticipantJoinedEvent],
 *   'participant-left': [participant: Participant, event: ParticipantLeftEvent],
 *   'chat-message': [message: ChatMessage, event: ChatMessageEvent],
 *   'connection-open': [connection: import('./meeting.js').Connection, event: ConnectionOpenEvent],
 *   'connection-close': [event: ConnectionCloseEvent, event: ConnectionCloseEvent],
 *   'meeting-ended': [event: MeetingEndedEvent, event: MeetingEndedEvent],
 *   'sync': [sync: SyncEvent],
 *   '*': [event: BridgeEvent | SyncEvent],
 * }} MeetingEvents
 */

/**
 * Listener arguments of the meeting at the other end of a connection
 * ({@link import('./meeting.js').ConnectionMeeting}); as {@link MeetingEvents}, except that
 * `connection-open` (that meeting connecting to a third one) gives the connection as sent.
 * @typedef {{
 *   'participant-joined': [participant: Participant, event: ParticipantJoinedEvent],
 *   'participant-left': [participant: Participant, event: ParticipantLeftEvent],
 *   'chat-message': [message: ChatMessage, event: ChatMessageEvent],
 *   'connection-open': [connection: ConnectionInfo, event: ConnectionOpenEvent],
 *   'connection-close': [event: ConnectionCloseEvent, event: ConnectionCloseEvent],
 *   'meeting-ended': [event: MeetingEndedEvent, event: MeetingEndedEvent],
 *   'sync': [sync: SyncEvent],
 *   '*': [event: BridgeEvent | SyncEvent],
 * }} ConnectionMeetingEvents
 */

/** @typedef {'connecting' | 'connected' | 'reconnecting' | 'closed'} BridgeState */

/**
 * Listener arguments of the bridge itself: `error` is a refused SEND, a STOMP ERROR frame or a
 * failure in the background; `reconnected` comes after a reconnect, once every followed meeting
 * has caught up.
 * @typedef {{
 *   'state': [state: BridgeState],
 *   'error': [problem: Problem],
 *   'reconnected': [],
 * }} BridgeEvents
 */

export {};
