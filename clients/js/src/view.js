import { Emitter } from './emitter.js';
import { EVENT_TYPES } from './topics.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').MeetingStatus} MeetingStatus */
/** @typedef {import('./types.js').Participant} Participant */
/** @typedef {import('./types.js').SyncEvent} SyncEvent */
/** @typedef {import('./bridge.js').MeetingBridge} MeetingBridge */
/** @typedef {import('./errors.js').BridgeError} BridgeError */
/** @typedef {import('./feed.js').MeetingFeed} MeetingFeed */

/**
 * An object that shows a feed (a meeting view): told about snapshots and events in that order,
 * state first (every view), then listeners (every view).
 * @typedef {object} FeedView
 * @property {(snapshot: MeetingInfo) => Promise<void>} [onSnapshot] loads what it keeps beyond participants
 * @property {(event: BridgeEvent) => void} onEvent updates what it keeps
 * @property {(event: BridgeEvent) => void} deliver calls its listeners
 * @property {(sync: SyncEvent) => void} deliverSync
 * @property {(error: BridgeError) => void} [onLost] the caller may no longer read the meeting
 */

/**
 * Other names accepted for an event type: VideoSDK's own reference spells the chat event
 * `chat-meesage`, so code copied from it listens to `chat-message`.
 * @type {Record<string, string>}
 */
const ALIASES = { 'chat-meesage': 'chat-message' };

/** What a view of any meeting emits besides the bridge's event types. */
export const VIEW_EVENTS = Object.freeze([...EVENT_TYPES, 'sync', '*']);

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
export class MeetingView {
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
    return this.feed.state.participants;
  }

  /** @returns {MeetingStatus | undefined} */
  get status() {
    return this.feed.state.status;
  }

  /** The sequence of the last event applied. */
  get sequence() {
    return this.feed.state.sequence;
  }

  /**
   * The epoch of the meeting's history that `sequence` belongs to (`undefined` before the first
   * snapshot). It changes when the bridge reset the history; the client then reloads the meeting.
   * @returns {string | undefined}
   */
  get epoch() {
    return this.feed.state.epoch;
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

  /**
   * Resolves when this object emits `type`.
   * @internal
   * @param {string} type
   * @param {number} timeoutMs
   * @returns {Promise<boolean>} false when it did not within `timeoutMs`
   */
  emits(type, timeoutMs) {
    const emitter = /** @type {Emitter<any>} */ (this.emitter);
    return new Promise((resolve) => {
      const done = (/** @type {boolean} */ emitted) => {
        clearTimeout(timer);
        emitter.off(type, listener);
        resolve(emitted);
      };
      const listener = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      emitter.on(type, listener);
    });
  }

  /**
   * Resolves with the first applied event that matches, or `undefined` after `timeoutMs`.
   * @param {(event: BridgeEvent) => boolean} predicate
   * @param {number} timeoutMs
   * @returns {Promise<BridgeEvent | undefined>}
   */
  waitFor(predicate, timeoutMs) {
    const emitter = /** @type {Emitter<any>} */ (this.emitter);
    return new Promise((resolve) => {
      /** @param {BridgeEvent | SyncEvent} event */
      const listener = (event) => {
        if (event.type === 'sync' || !predicate(event)) return;
        clearTimeout(timer);
        emitter.off('*', listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        emitter.off('*', listener);
        resolve(undefined);
      }, timeoutMs);
      emitter.on('*', listener);
    });
  }

  /** Stops following this meeting through this object and forgets its listeners. */
  dispose() {
    this.emitter.clear();
    this.feed.removeView(this);
  }
}
