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

/** `from`: the meeting the bridge moved the participant from (a switch with `move`). */
/** @typedef {EventBase & {type: 'participant-joined', participant: Participant, from?: string}} ParticipantJoinedEvent */
/** @typedef {'left' | 'removed' | 'meeting-ended' | 'disconnected' | 'switched'} LeaveReason */
/** `to`: where the bridge moved the participant (reason `switched`). */
/** @typedef {EventBase & {type: 'participant-left', participant: Participant, reason: LeaveReason, to?: string}} ParticipantLeftEvent */
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
 * The client stopped following a meeting because it lost the right to read it: its own
 * participant left (`reason` is the leave's: `left`, `removed`, `disconnected`, `switched`),
 * or a read during a catch-up was refused (`reason` is the problem's code, e.g. `forbidden`,
 * with the `problem`). Nothing more arrives; `join()` follows it again.
 * @typedef {object} LostEvent
 * @property {'lost'} type
 * @property {string} meetingId
 * @property {string} reason
 * @property {Problem} [problem]
 */

/**
 * A moderator of a connected meeting asks this client's participant to switch to another meeting
 * (VideoSDK's `switch-meeting`), or tells it that the bridge moved it there (`moved`). `token`
 * is the requester's, for the target, passed on untouched.
 * @typedef {object} SwitchMeeting
 * @property {string} switchId
 * @property {string} meetingId the meeting to switch to
 * @property {string} [token]
 * @property {string} payload
 * @property {string} [connectionParticipantId] who asked (absent for a server token)
 * @property {string} connectionMeetingId the meeting it asked from
 * @property {boolean} moved whether the bridge moved the participant already
 */

/**
 * What `participant.switchTo()` on a connection meeting's participant takes.
 * @typedef {object} SwitchOptions
 * @property {string} meetingId the meeting to switch to
 * @property {string} [token] passed on untouched to the participant's client (VideoSDK: its token for the target)
 * @property {string} [payload] at most 4096 characters
 * @property {boolean} [move] the bridge moves the participant itself (leave, then join the target)
 */

/**
 * The bridge's answer to a switch: how many of the participant's live sessions it reached.
 * @typedef {object} SwitchAnswer
 * @property {string} switchId
 * @property {number} sessions
 */

/**
 * When a token expires: `expiresAt` from its `exp` (ISO-8601; absent for a token without one),
 * `refused` when the bridge refused it (401) rather than the clock saying so, with its `problem`.
 * @typedef {object} TokenExpired
 * @property {string} [expiresAt]
 * @property {boolean} refused
 * @property {Problem} [problem]
 */

/**
 * Listener arguments of a meeting the caller follows ({@link import('./meeting.js').Meeting}):
 * the event's subject first, then the whole event. `'*'` gets every event in sequence order and
 * every {@link SyncEvent}. `switch-meeting` is not an event of the meeting but a message to this
 * client's participant: with `moved`, `target` is the meeting it was moved to, already followed.
 * @typedef {{
 *   'participant-joined': [participant: Participant, event: ParticipantJoinedEvent],
 *   'participant-left': [participant: Participant, event: ParticipantLeftEvent],
 *   'chat-message': [message: ChatMessage, event: ChatMessageEvent],
 *   'chat-meesage': [message: ChatMessage, event: ChatMessageEvent],
 *   'connection-open': [connection: import('./connection.js').Connection, event: ConnectionOpenEvent],
 *   'connection-close': [event: ConnectionCloseEvent, event: ConnectionCloseEvent],
 *   'meeting-ended': [event: MeetingEndedEvent, event: MeetingEndedEvent],
 *   'sync': [sync: SyncEvent],
 *   'lost': [lost: LostEvent],
 *   'switch-meeting': [message: SwitchMeeting, target: import('./meeting.js').Meeting | undefined],
 *   '*': [event: BridgeEvent | SyncEvent],
 * }} MeetingEvents
 */

/**
 * Listener arguments of the meeting at the other end of a connection
 * ({@link import('./connection.js').ConnectionMeeting}); as {@link MeetingEvents}, except that
 * `connection-open` (that meeting connecting to a third one) gives the connection as sent.
 * @typedef {{
 *   'participant-joined': [participant: Participant, event: ParticipantJoinedEvent],
 *   'participant-left': [participant: Participant, event: ParticipantLeftEvent],
 *   'chat-message': [message: ChatMessage, event: ChatMessageEvent],
 *   'chat-meesage': [message: ChatMessage, event: ChatMessageEvent],
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
 *   'token-expiring': [detail: {expiresAt: string, inMs: number}],
 *   'token-expired': [detail: TokenExpired],
 * }} BridgeEvents
 */

export {};
