/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').EventType} EventType */
/** @typedef {import('./bridge.js').MeetingBridge} MeetingBridge */

/**
 * The event types of a meeting, each with its own STOMP topic `/topic/meetings/{id}/{type}`.
 * @type {readonly EventType[]}
 */
export const EVENT_TYPES = Object.freeze(/** @type {EventType[]} */ ([
  'participant-joined',
  'participant-left',
  'chat-message',
  'connection-open',
  'connection-close',
  'meeting-ended',
]));

/**
 * The live subscriptions to one meeting's topics, at most one per type, each made once however
 * many callers ask for it while it is being made.
 * @internal
 */
export class FeedTopics {
  /**
   * @param {MeetingBridge} bridge
   * @param {string} meetingId
   * @param {(event: BridgeEvent) => void} onEvent told every event of every topic
   */
  constructor(bridge, meetingId, onEvent) {
    this.bridge = bridge;
    this.meetingId = meetingId;
    this.onEvent = onEvent;
    /** @type {Map<EventType, string>} event type to live subscription id */
    this.ids = new Map();
    /** @type {Map<EventType, Promise<void>>} subscriptions being made */
    this.pending = new Map();
    /** Counts `unsubscribeAll()`: a subscription made for an earlier round is dropped once confirmed. */
    this.round = 0;
  }

  /** How many topics are subscribed to on the current session. */
  get size() {
    return this.ids.size;
  }

  /** Subscribes to every topic not yet subscribed to; resolves once all are live. */
  async subscribeAll() {
    await Promise.all(EVENT_TYPES.map((type) => this.subscribe(type)));
  }

  /** @param {EventType} type */
  subscribe(type) {
    if (this.ids.has(type)) return Promise.resolve();
    const pending = this.pending.get(type);
    if (pending) return pending;
    const round = this.round;
    const promise = this.bridge.subscribe(`/topic/meetings/${this.meetingId}/${type}`, this.onEvent)
      .then((id) => {
        // Only while the session that made it lives: a reconnect starts with no subscriptions.
        if (!this.bridge.isSubscribed(id)) return;
        if (round === this.round) this.ids.set(type, id);
        else this.bridge.unsubscribe(id);
      })
      .finally(() => {
        if (this.pending.get(type) === promise) this.pending.delete(type);
      });
    this.pending.set(type, promise);
    return promise;
  }

  /** Unsubscribes from every topic, also from those still being subscribed to. */
  unsubscribeAll() {
    for (const id of this.ids.values()) this.bridge.unsubscribe(id);
    this.ids.clear();
    this.pending.clear();
    this.round += 1;
  }

  /** The STOMP session closed: its subscriptions are gone. */
  clear() {
    this.ids.clear();
    this.pending.clear();
  }
}
