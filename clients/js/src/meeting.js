import { Emitter } from './emitter.js';
import { BridgeError } from './errors.js';
import { EVENT_TYPES } from './feed.js';
import { seg } from './rest.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').ChatMessage} ChatMessage */
/** @typedef {import('./types.js').ConnectionInfo} ConnectionInfo */
/** @typedef {import('./types.js').ConnectionMeetingEvents} ConnectionMeetingEvents */
/** @typedef {import('./types.js').MeetingEvents} MeetingEvents */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').MeetingStatus} MeetingStatus */
/** @typedef {import('./types.js').Participant} Participant */
/** @typedef {import('./types.js').SyncEvent} SyncEvent */
/** @typedef {import('./types.js').SwitchMeeting} SwitchMeeting */
/** @typedef {import('./types.js').SwitchOptions} SwitchOptions */
/** @typedef {import('./types.js').SwitchAnswer} SwitchAnswer */
/** @typedef {import('./types.js').LostEvent} LostEvent */
/** @typedef {import('./bridge.js').MeetingBridge} MeetingBridge */
/** @typedef {import('./bridge.js').JoinOptions} JoinOptions */
/** @typedef {import('./feed.js').MeetingFeed} MeetingFeed */

/**
 * Other names accepted for an event type: VideoSDK's own reference spells the chat event
 * `chat-meesage`, so code copied from it listens to `chat-message`.
 * @type {Record<string, string>}
 */
const ALIASES = { 'chat-meesage': 'chat-message' };

/** What a view of any meeting emits besides the bridge's event types. */
const VIEW_EVENTS = Object.freeze([...EVENT_TYPES, 'sync', '*']);

/** What the caller's own meeting emits besides: `lost`, and `switch-meeting` (a message to its participant). */
const MEETING_EVENTS = Object.freeze([...VIEW_EVENTS, 'lost', 'switch-meeting']);

/** How long a closed connection's meeting stays followed, so the tail of an ending cascade still arrives. */
const CLOSED_CONNECTION_LINGER_MS = 3000;

/**
 * What a listener gets first: the participant, the chat message, else the event itself.
 * @param {BridgeEvent} event
 * @returns {any}
 */
function subjectOf(event) {
  switch (event.type) {
    case 'participant-joined':
    case 'participant-left':
      return event.participant;
    case 'chat-message':
      return event.message;
    case 'connection-open':
      return event.connection;
    default:
      return event;
  }
}

/**
 * Shared by {@link Meeting} and {@link ConnectionMeeting}: `id`, `participants`, `on`/`off`.
 * Every object has its own listeners; the state is the meeting's, shared by every object that
 * shows it.
 * @template {{[type: string]: any[]}} Events
 */
class MeetingView {
  /**
   * @param {MeetingBridge} bridge
   * @param {string} id
   */
  constructor(bridge, id) {
    /** @internal */
    this.bridge = bridge;
    this.id = id;
    /** @internal @type {MeetingFeed} */
    this.feed = bridge.feed(id);
    /** @internal @type {Emitter<Events>} */
    this.emitter = new Emitter();
    this.feed.addView(this);
  }

  /** @returns {Map<string, Participant>} the participants, kept live from the meeting's events */
  get participants() {
    return this.feed.participants;
  }

  /** @returns {MeetingStatus | undefined} */
  get status() {
    return this.feed.status;
  }

  /** The sequence of the last event applied. */
  get sequence() {
    return this.feed.sequence;
  }

  /**
   * The epoch of the meeting's history that `sequence` belongs to (`undefined` before the first
   * snapshot). It changes when the bridge reset the history; the client then reloads the meeting.
   * @returns {string | undefined}
   */
  get epoch() {
    return this.feed.epoch;
  }

  /**
   * Listens to an event of this meeting. The listener gets the event's subject (the participant
   * for `participant-*`, the ChatMessage for `chat-message`, the connection for
   * `connection-open`, else the event) and the whole event; `'*'` gets every event in sequence
   * order, and `sync` (also on `'*'`) tells that the client caught up after a gap or a reconnect.
   * @template {keyof Events} K
   * @param {K} eventType
   * @param {(...args: Events[K]) => void} listener
   */
  on(eventType, listener) {
    this.emitter.on(this.eventType(eventType), listener);
  }

  /**
   * Stops listening: one listener, or, with none named, every listener that this object added
   * for the type (other objects showing the same meeting keep theirs).
   * @template {keyof Events} K
   * @param {K} eventType
   * @param {(...args: Events[K]) => void} [listener]
   */
  off(eventType, listener) {
    this.emitter.off(this.eventType(eventType), listener);
  }

  /**
   * The event type a name stands for: itself, or what an alias names.
   * @internal
   * @template {keyof Events} K
   * @param {K} name
   * @returns {K}
   * @throws {TypeError} for a name this object never emits, naming those it does (a misspelt
   *   listener would otherwise wait in silence)
   */
  eventType(name) {
    const type = ALIASES[/** @type {string} */ (name)] ?? name;
    if (this.eventTypes().includes(type)) return /** @type {K} */ (type);
    throw new TypeError(`${this.constructor.name} emits no '${String(name)}' event; `
      + `its events are ${this.eventTypes().join(', ')} (and 'chat-meesage', VideoSDK's spelling of 'chat-message')`);
  }

  /**
   * @internal
   * @returns {readonly string[]}
   */
  eventTypes() {
    return VIEW_EVENTS;
  }

  /**
   * @internal
   * @param {BridgeEvent} event
   */
  onEvent(event) {} // eslint-disable-line no-unused-vars

  /**
   * @internal
   * @param {BridgeEvent} event
   */
  deliver(event) {
    const emitter = /** @type {Emitter<any>} */ (this.emitter);
    emitter.emit(event.type, this.detailOf(event), event);
    emitter.emit('*', event);
  }

  /**
   * @internal
   * @param {BridgeEvent} event
   * @returns {any}
   */
  detailOf(event) {
    return subjectOf(event);
  }

  /**
   * @internal
   * @param {SyncEvent} sync
   */
  deliverSync(sync) {
    const emitter = /** @type {Emitter<any>} */ (this.emitter);
    emitter.emit('sync', sync);
    emitter.emit('*', sync);
  }

  /** Stops following this meeting through this object and forgets its listeners. */
  dispose() {
    this.emitter.clear();
    this.feed.removeView(this);
  }
}

/**
 * A meeting the caller is in (or, with a server token, watches): `participants`, `connections`,
 * `on`/`off` for its events, and the calls a participant makes.
 * @extends {MeetingView<MeetingEvents>}
 */
export class Meeting extends MeetingView {
  /**
   * @param {MeetingBridge} bridge
   * @param {string} id
   */
  constructor(bridge, id) {
    super(bridge, id);
    /** @type {Map<string, Connection>} open connections of this meeting, kept live */
    this.connections = new Map();
    /** @type {Map<string, Connection>} connections that closed while followed, with `closeReason` */
    this.closedConnections = new Map();
    this.loaded = false;
    /** @type {BridgeError | undefined} why the client stopped following, if it lost access */
    this.lostBecause = undefined;
  }

  /** @internal */
  eventTypes() {
    return MEETING_EVENTS;
  }

  /** Whether the client currently follows the meeting live. */
  get attached() {
    return this.feed.attached;
  }

  /** When the meeting was created (ISO-8601), as far as known. */
  get createdAt() {
    return this.feed.createdAt;
  }

  /** When the meeting ended (ISO-8601), as far as known. */
  get endedAt() {
    return this.feed.endedAt;
  }

  /** @internal */
  async attach() {
    if (!this.feed.views.has(this)) this.feed.addView(this);
    if (this.feed.attached && !this.loaded) {
      // The feed was already followed for a connection to this meeting: load the connections too.
      await this.onSnapshot(await this.bridge.readMeeting(this.id));
    }
    await this.feed.attach();
  }

  /**
   * Loads the open connections with a snapshot.
   * @internal
   * @param {MeetingInfo} snapshot
   */
  async onSnapshot(snapshot) {
    this.loaded = true;
    const wanted = new Set(snapshot.connections ?? []);
    for (const id of [...this.connections.keys()]) {
      if (!wanted.has(id)) this.dropConnection(id, 'closed');
    }
    if (wanted.size === 0 || snapshot.status === 'ended') return;
    const { connections } = await this.bridge.request('GET', `/api/meetings/${seg(this.id)}/connections`);
    for (const json of /** @type {ConnectionInfo[]} */ (connections)) {
      if (!this.connections.has(json.id)) this.addConnection(json);
    }
  }

  /**
   * @internal
   * @param {BridgeEvent} event
   */
  onEvent(event) {
    if (event.type === 'connection-open') this.addConnection(event.connection);
    if (event.type === 'connection-close') this.dropConnection(event.connectionId, event.reason);
    if (event.type === 'meeting-ended') {
      for (const id of [...this.connections.keys()]) this.dropConnection(id, 'meeting-ended');
    }
    if (event.type === 'participant-left' && event.reason !== 'meeting-ended') {
      // Only a leave needs to know who we are (the identity is worked out from the token).
      const { isServer, participantId } = this.bridge.identity;
      if (!isServer && event.participant.id === participantId) {
        // That was our own authority to follow the meeting: the bridge sends nothing more.
        // (When the meeting ends, the cascade still arrives up to meeting-ended.)
        queueMicrotask(() => this.stopFollowing(event.reason));
      }
    }
  }

  /**
   * @internal
   * @param {BridgeEvent} event
   */
  detailOf(event) {
    if (event.type === 'connection-open') return this.connections.get(event.connection.id) ?? event.connection;
    return super.detailOf(event);
  }

  /**
   * @internal
   * @param {string} reason
   */
  stopFollowing(reason) {
    if (this.feed.status === 'ended') return;
    this.feed.suspend();
    this.bridge.unbind(this.id);
    for (const id of [...this.connections.keys()]) this.dropConnection(id, reason);
    this.emitLost({ type: 'lost', meetingId: this.id, reason });
  }

  /**
   * @internal
   * @param {BridgeError} error
   */
  onLost(error) {
    for (const id of [...this.connections.keys()]) this.dropConnection(id, 'lost');
    this.lostBecause = error;
    this.bridge.unbind(this.id);
    this.emitLost({ type: 'lost', meetingId: this.id, reason: error.code ?? 'forbidden', problem: error.problem });
  }

  /**
   * @internal
   * @param {LostEvent} lost
   */
  emitLost(lost) {
    /** @type {Emitter<any>} */ (this.emitter).emit('lost', lost);
  }

  /**
   * @internal
   * @param {SwitchMeeting} message
   * @param {Meeting | undefined} target
   */
  emitSwitch(message, target) {
    /** @type {Emitter<any>} */ (this.emitter).emit('switch-meeting', message, target);
  }

  /**
   * @internal
   * @param {ConnectionInfo} json
   */
  addConnection(json) {
    const existing = this.connections.get(json.id);
    if (existing) return existing;
    const connection = new Connection(this, json);
    this.connections.set(connection.id, connection);
    connection.ready.catch((error) => {
      if (!connection.closed) this.bridge.report(error.problem ?? { title: 'Connection', status: 0, detail: String(error) });
    });
    return connection;
  }

  /**
   * @internal
   * @param {string} id
   * @param {string} reason
   */
  dropConnection(id, reason) {
    const connection = this.connections.get(id);
    if (!connection) return;
    this.connections.delete(id);
    this.closedConnections.set(id, connection);
    connection.markClosed(reason);
  }

  /**
   * @param {string} [participantId]
   * @returns {string | undefined} the participant this client acts as: the token's `sub`, or `actAs` with a server token
   */
  actingParticipant(participantId) {
    return participantId ?? this.bridge.identity.participantId;
  }

  /**
   * Joins the meeting as the acting participant and starts following it.
   * @param {JoinOptions} options
   * @returns {Promise<Participant>}
   */
  async join({ displayName, participantId, bindToSession = false }) {
    /** @type {{displayName: string, participantId?: string}} */
    const body = { displayName };
    const identity = this.bridge.identity;
    if (identity.isServer) body.participantId = this.actingParticipant(participantId);
    const participant = await this.bridge.request('POST', `/api/meetings/${seg(this.id)}/participants`, body);
    if (bindToSession && !identity.isServer) this.bridge.bindToSession(this.id, displayName);
    await this.attach();
    return participant;
  }

  /**
   * Leaves the meeting (or, with `allow_mod`, removes someone else). After the acting
   * participant leaves, a participant token may no longer read the meeting and the client stops
   * following it; `join()` follows it again.
   * @param {{participantId?: string}} [options]
   * @returns {Promise<void>}
   */
  async leave({ participantId } = {}) {
    const who = this.actingParticipant(participantId);
    if (!who) throw new BridgeError({ title: 'Who leaves?', status: 400, code: 'validation-failed', detail: 'name the participant (actAs with a server token)' });
    await this.bridge.request('DELETE', `/api/meetings/${seg(this.id)}/participants/${seg(who)}`);
    if (who === this.bridge.identity.participantId) {
      this.bridge.unbind(this.id);
      if (!this.bridge.identity.isServer) {
        // Our own participant-left is the last event we get; wait for it briefly, then let go.
        const left = await this.waitFor((event) => event.type === 'participant-left' && event.participant.id === who, 2000);
        if (!left) this.stopFollowing('left');
      }
    }
  }

  /**
   * Ends the meeting: everyone leaves, its connections close. Needs `allow_mod` (or a server token).
   * @returns {Promise<MeetingInfo>}
   */
  end() {
    return this.bridge.request('POST', `/api/meetings/${seg(this.id)}/end`);
  }

  /**
   * Connects this meeting to another one (needs `allow_mod`). Resolves with the {@link Connection},
   * whose `meeting.participants` is loaded, also when the two were already connected.
   * @param {{meetingId: string, payload?: string}} options
   * @returns {Promise<Connection>}
   */
  async connectTo({ meetingId, payload }) {
    /** @type {{meetingId: string, payload?: string}} */
    const body = { meetingId };
    if (payload !== undefined) body.payload = payload;
    /** @type {ConnectionInfo} */
    const json = await this.bridge.request('POST', `/api/meetings/${seg(this.id)}/connections`, body);
    const connection = this.connections.get(json.id) ?? (this.attached ? this.addConnection(json) : new Connection(this, json));
    await connection.ready;
    return connection;
  }

  /**
   * Reads the event history, oldest first, with the epoch it belongs to.
   * @param {{after?: number, limit?: number}} [query]
   * @returns {Promise<{events: BridgeEvent[], latestSequence: number, epoch: string}>}
   */
  history({ after = 0, limit = 100 } = {}) {
    return this.bridge.request('GET', `/api/meetings/${seg(this.id)}/events?after=${after}&limit=${limit}`);
  }

  /**
   * Resolves with the first applied event that matches, or `undefined` after `timeoutMs`.
   * @param {(event: BridgeEvent) => boolean} predicate
   * @param {number} timeoutMs
   * @returns {Promise<BridgeEvent | undefined>}
   */
  waitFor(predicate, timeoutMs) {
    return new Promise((resolve) => {
      /** @param {BridgeEvent | SyncEvent} event */
      const listener = (event) => {
        if (event.type === 'sync' || !predicate(event)) return;
        clearTimeout(timer);
        this.off('*', listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.off('*', listener);
        resolve(undefined);
      }, timeoutMs);
      this.on('*', listener);
    });
  }

  /** Stops following this meeting (and its connections' meetings) and forgets the listeners. */
  dispose() {
    for (const connection of this.connections.values()) connection.meeting.dispose();
    this.bridge.forget(this);
    super.dispose();
  }
}

/**
 * A connection between the caller's meeting and another: `id`, `payload`, and `meeting`, the
 * {@link ConnectionMeeting} at the other end.
 */
export class Connection {
  /**
   * @param {Meeting} owner the caller's meeting
   * @param {ConnectionInfo} json the connection as the bridge sends it (seen from `owner`'s side)
   */
  constructor(owner, json) {
    /** @internal */
    this.owner = owner;
    this.id = json.id;
    this.payload = json.payload ?? '';
    this.createdAt = json.createdAt;
    /** The caller's meeting. */
    this.meetingId = owner.id;
    /** The meeting at the other end. */
    this.meeting = new ConnectionMeeting(this, json.meeting);
    this.closed = false;
    /** @type {string | undefined} `closed`, `meeting-ended`, ... once closed */
    this.closeReason = undefined;
    /** Resolves once `meeting.participants` is loaded and followed live. */
    this.ready = this.meeting.feed.attach();
    this.ready.catch(() => {});
  }

  /**
   * Closes the connection (needs `allow_mod`); both meetings get `connection-close`.
   * @returns {Promise<void>}
   */
  close() {
    return this.owner.bridge.request('DELETE', `/api/meetings/${seg(this.meetingId)}/connections/${seg(this.id)}`);
  }

  /**
   * @internal
   * @param {string} reason
   */
  markClosed(reason) {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    // Keep the other side followed a moment so the rest of an ending cascade still arrives.
    const linger = setTimeout(() => this.meeting.dispose(), CLOSED_CONNECTION_LINGER_MS);
    /** @type {{unref?: () => void}} */ (linger).unref?.();
  }
}

/**
 * A participant of the meeting at the other end of a connection, as VideoSDK's
 * `ConnectionParticipant`: `id`, `displayName`, `joinedAt` and `switchTo()`.
 */
export class ConnectionParticipant {
  /**
   * @param {ConnectionMeeting} meeting
   * @param {Participant} participant
   */
  constructor(meeting, participant) {
    /** @internal */
    this.meeting = meeting;
    this.id = participant.id;
    this.displayName = participant.displayName;
    this.joinedAt = participant.joinedAt;
  }

  /**
   * Asks this participant to switch to another meeting (needs `allow_mod` in the caller's
   * meeting): its clients get `switch-meeting` with the `token` and `payload` as given. With
   * `move: true` the bridge moves it itself: it leaves this meeting (`switched`) and joins the
   * target, and its clients follow the target by themselves.
   * @param {SwitchOptions} options
   * @returns {Promise<SwitchAnswer>} the switch's id and how many of its live sessions it reached
   */
  switchTo({ meetingId, token, payload, move }) {
    /** @type {{meetingId: string, token?: string, payload?: string, move?: boolean}} */
    const body = { meetingId };
    if (token !== undefined) body.token = token;
    if (payload !== undefined) body.payload = payload;
    if (move) body.move = true;
    const { meetingId: own, id } = this.meeting.connection;
    return this.meeting.bridge.request('POST',
      `/api/meetings/${seg(own)}/connections/${seg(id)}/participants/${seg(this.id)}/switch`, body);
  }
}

/**
 * The meeting at the other end of a connection, as VideoSDK's `ConnectionMeeting`: `id`,
 * `participants` (kept live), `sendChatMessage()`, `on`/`off` and `end()`.
 * @extends {MeetingView<ConnectionMeetingEvents>}
 */
export class ConnectionMeeting extends MeetingView {
  /**
   * @param {Connection} connection
   * @param {{id: string, participants?: Record<string, Participant>}} json
   */
  constructor(connection, json) {
    super(connection.owner.bridge, json.id);
    /** The connection this meeting is seen through. */
    this.connection = connection;
    if (!this.feed.attached && this.feed.participants.size === 0) {
      // Shown at once; replaced by the consistent snapshot when the feed has attached.
      for (const [id, participant] of Object.entries(json.participants ?? {})) this.feed.participants.set(id, participant);
    }
  }

  /**
   * @returns {Map<string, ConnectionParticipant>} the participants, kept live, each with `switchTo()`
   */
  get participants() {
    const participants = new Map();
    for (const [id, participant] of this.feed.participants) {
      participants.set(id, new ConnectionParticipant(this, participant));
    }
    return participants;
  }

  /**
   * Sends a chat message over the connection: it reaches the participants of this (the other)
   * meeting as its `chat-message` event.
   * @param {string} message
   * @returns {Promise<ChatMessage>}
   */
  sendChatMessage(message) {
    /** @type {{message: string, senderId?: string}} */
    const body = { message };
    const { isServer, participantId } = this.bridge.identity;
    if (isServer && participantId) body.senderId = participantId;
    const { meetingId, id } = this.connection;
    return this.bridge.request('POST', `/api/meetings/${seg(meetingId)}/connections/${seg(id)}/chat-messages`, body);
  }

  /**
   * Ends this meeting over the connection (needs `allow_mod`): every participant of it leaves.
   * @returns {Promise<MeetingInfo>} the ended meeting
   */
  end() {
    const { meetingId, id } = this.connection;
    return this.bridge.request('POST', `/api/meetings/${seg(meetingId)}/connections/${seg(id)}/end`);
  }
}
