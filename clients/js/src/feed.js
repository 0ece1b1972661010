import { seg } from './rest.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').EventType} EventType */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').MeetingStatus} MeetingStatus */
/** @typedef {import('./types.js').Participant} Participant */
/** @typedef {import('./types.js').SyncEvent} SyncEvent */
/** @typedef {import('./errors.js').BridgeError} BridgeError */
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

const HISTORY_PAGE = 1000;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10000;

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

/** @typedef {{reason: SyncEvent['reason'], reload: boolean}} CatchUp */

/** @type {Record<SyncEvent['reason'], number>} */
const WEIGHT = { gap: 0, reconnect: 1, resync: 2 };

/**
 * Everything the client knows of one meeting, shared by every object that shows it (your own
 * meeting, or the meeting at the other end of a connection): its topics, the last applied
 * sequence, the participants.
 *
 * While it follows a meeting live it subscribes to all six of its topics, so that every sequence
 * number reaches it and a jump always means events were lost on the way (sequences are per
 * meeting, across types). A jump holds newer events back, fills the gap from
 * `GET /api/meetings/{m}/events?after=N` and then applies what was held, so every event is applied
 * once, in sequence order.
 * @internal
 */
export class MeetingFeed {
  /**
   * @param {MeetingBridge} bridge
   * @param {string} id
   */
  constructor(bridge, id) {
    this.bridge = bridge;
    this.id = id;
    /** @type {Map<string, Participant>} */
    this.participants = new Map();
    /** @type {MeetingStatus | undefined} */
    this.status = undefined;
    /** @type {string | undefined} */
    this.createdAt = undefined;
    /** @type {string | undefined} */
    this.endedAt = undefined;
    /** The sequence of the last event applied. */
    this.sequence = 0;
    /** @type {Set<FeedView>} */
    this.views = new Set();
    /**
     * The views as an array, replaced (never changed in place) when a view comes or goes: an
     * event is handed to the views there were when it arrived, without copying the set per event.
     * @type {readonly FeedView[]}
     */
    this.viewList = [];
    /** @type {Map<EventType, string>} event type to live subscription id */
    this.topics = new Map();
    /** @type {Map<EventType, Promise<void>>} subscriptions being made */
    this.pendingTopics = new Map();
    /** @type {BridgeEvent[] | null} live events held back while the feed catches up */
    this.held = null;
    this.attached = false;
    /** @type {Promise<void> | undefined} */
    this.attaching = undefined;
    /** @type {CatchUp | undefined} a catch-up asked for and not yet started */
    this.pending = undefined;
    /** @type {Promise<void> | undefined} the catch-up under way */
    this.catching = undefined;
    /** How many gaps were filled from the history, and how many times the state was reloaded. */
    this.stats = { gapsFilled: 0, reloads: 0 };
  }

  get path() {
    return `/api/meetings/${seg(this.id)}`;
  }

  /** @param {FeedView} view */
  addView(view) {
    this.views.add(view);
    this.viewList = [...this.views];
  }

  /** @param {FeedView} view */
  removeView(view) {
    if (!this.views.delete(view)) return;
    this.viewList = [...this.views];
    if (this.views.size === 0) this.detach();
  }

  /**
   * Loads the meeting and subscribes, so that `participants` is right as of `sequence` and every
   * later event is applied once, in order. Rejects with the problem if the caller may not read it.
   * @returns {Promise<void>}
   */
  attach() {
    if (this.attached) return Promise.resolve();
    this.attaching ??= this.load(this.bridge.generation).finally(() => {
      this.attaching = undefined;
    });
    return this.attaching;
  }

  /**
   * Snapshot and subscriptions, in the order that loses nothing: check access (a refused
   * SUBSCRIBE would close the whole STOMP session), subscribe and hold live events, read
   * `latestSequence` L, read the meeting, then apply the held events after L. Participants are
   * keyed state, so re-applying events between L and the snapshot leaves them right.
   * @param {number} generation
   */
  async load(generation) {
    const first = await this.bridge.request('GET', this.path);
    if (first.status === 'ended') {
      // Nothing more will happen: no subscriptions, just the state and where the history ends.
      await this.reload(first);
      this.attached = true;
      return;
    }
    this.held = [];
    try {
      await this.subscribeAll();
      await this.reload();
      this.attached = true;
    } catch (error) {
      this.held = null;
      this.unsubscribeAll();
      throw error;
    }
    this.releaseHeld();
    // The session changed while loading (its catch-up skipped this feed): catch up now.
    if (generation !== this.bridge.generation) void this.resume();
  }

  /**
   * Replaces the state with a fresh snapshot, as of the history's latest sequence read first.
   * @param {MeetingInfo} [known] a snapshot just read, for a meeting that has ended
   */
  async reload(known) {
    const { latestSequence } = await this.bridge.request('GET', `${this.path}/events?after=0&limit=1`);
    const snapshot = known ?? await this.bridge.request('GET', this.path);
    for (const view of this.views) await view.onSnapshot?.(snapshot);
    this.status = snapshot.status;
    this.createdAt = snapshot.createdAt;
    this.endedAt = snapshot.endedAt;
    this.participants.clear();
    for (const [id, participant] of Object.entries(snapshot.participants ?? {})) this.participants.set(id, participant);
    this.sequence = latestSequence;
  }

  async subscribeAll() {
    if (this.status === 'ended') return;
    await Promise.all(EVENT_TYPES.map((type) => this.subscribeType(type)));
  }

  /** @param {EventType} type */
  subscribeType(type) {
    if (this.topics.has(type)) return Promise.resolve();
    const pending = this.pendingTopics.get(type);
    if (pending) return pending;
    const promise = this.bridge.subscribe(`/topic/meetings/${this.id}/${type}`, (event) => this.onLive(event))
      .then((id) => {
        // Only while the session that made it lives: a reconnect starts with no subscriptions.
        if (this.bridge.subscriptions.has(id)) this.topics.set(type, id);
      })
      .finally(() => this.pendingTopics.delete(type));
    this.pendingTopics.set(type, promise);
    return promise;
  }

  unsubscribeAll() {
    for (const id of this.topics.values()) this.bridge.unsubscribe(id);
    this.topics.clear();
  }

  /** The STOMP session closed: its subscriptions are gone. */
  onDisconnected() {
    this.topics.clear();
    this.pendingTopics.clear();
  }

  /** Stops following live (after the caller's authority ended); `attach()` starts again from a snapshot. */
  suspend() {
    this.unsubscribeAll();
    this.attached = false;
    this.held = null;
    this.pending = undefined;
  }

  /** Stops following: unsubscribes and forgets the feed. */
  detach() {
    this.suspend();
    if (this.bridge.feeds.get(this.id) === this) this.bridge.feeds.delete(this.id);
  }

  /**
   * After a reconnect: check access again, re-subscribe (holding live events), then fill what was
   * missed from the history, or reload the meeting when the bridge asked for a resync.
   * @param {{resync?: boolean}} [options]
   */
  async resume({ resync = false } = {}) {
    if (!this.attached || this.status === 'ended') return;
    this.held ??= [];
    try {
      await this.bridge.request('GET', `${this.path}/events?after=${this.sequence}&limit=1`);
      await this.subscribeAll();
    } catch (error) {
      this.held = null;
      this.failed(/** @type {BridgeError} */ (error), 'Catch-up failed');
      return;
    }
    await this.catchUp(resync ? { reason: 'resync', reload: true } : { reason: 'reconnect', reload: false });
  }

  /**
   * A live event from one of the meeting's topics.
   * @param {BridgeEvent} event
   */
  onLive(event) {
    if (typeof event?.sequence !== 'number') return;
    if (this.held) {
      this.held.push(event);
    } else if (event.sequence === this.sequence + 1) {
      this.accept(event);
    } else if (event.sequence > this.sequence && this.attached) {
      // Events were lost on the way: fill from the history before applying this one.
      this.held = [event];
      void this.catchUp({ reason: 'gap', reload: false });
    }
  }

  /**
   * Brings the feed up to date (one catch-up at a time; a request while one runs makes it go
   * round again), then applies the held events and tells the listeners with a `sync` event.
   * Failures are retried with a growing delay while the feed is followed.
   * @param {CatchUp} request
   * @returns {Promise<void>}
   */
  catchUp(request) {
    const pending = this.pending;
    this.pending = !pending ? request : {
      reason: WEIGHT[request.reason] > WEIGHT[pending.reason] ? request.reason : pending.reason,
      reload: request.reload || pending.reload,
    };
    this.held ??= [];
    this.catching ??= this.runCatchUp().finally(() => {
      this.catching = undefined;
    });
    return this.catching;
  }

  async runCatchUp() {
    /** @type {SyncEvent['reason']} */
    let reason = 'gap';
    let reloaded = false;
    let delay = RETRY_FIRST_MS;
    let reported = false;
    while (this.pending && this.attached && !this.bridge.isClosed()) {
      const request = this.pending;
      this.pending = undefined;
      if (WEIGHT[request.reason] > WEIGHT[reason]) reason = request.reason;
      try {
        if (request.reload) {
          await this.reload();
          this.stats.reloads += 1;
          reloaded = true;
        } else if (await this.fillFrom(this.sequence)) {
          reloaded = true;
        }
      } catch (error) {
        const problem = /** @type {BridgeError} */ (error);
        if (problem.status === 403 || problem.status === 404) {
          this.lost(problem);
          return;
        }
        if (!reported) this.failed(problem, 'Catch-up failed');
        reported = true;
        this.retryLater(request);
        await new Promise((resolve) => /** @type {{unref?: () => void}} */ (setTimeout(resolve, delay)).unref?.());
        delay = Math.min(delay * 2, RETRY_MAX_MS);
        continue;
      }
      if (request.reason === 'gap') this.stats.gapsFilled += 1;
      this.releaseHeld();
    }
    if (!this.attached || this.bridge.isClosed()) return;
    this.emitSync(reason, reloaded);
  }

  /**
   * Asks again for a catch-up that failed, keeping a reload that was asked for.
   * @param {CatchUp} request
   */
  retryLater(request) {
    const pending = this.pending;
    this.pending = pending ? { ...pending, reload: pending.reload || request.reload } : request;
  }

  /**
   * Applies the history after `after`, page by page; reloads the meeting when the history no
   * longer reaches back that far.
   * @param {number} after
   * @returns {Promise<boolean>} whether the state was reloaded
   */
  async fillFrom(after) {
    const generation = this.bridge.generation;
    let cursor = after;
    for (;;) {
      const page = await this.bridge.request('GET', `${this.path}/events?after=${cursor}&limit=${HISTORY_PAGE}`);
      /** @type {BridgeEvent[]} */
      const events = page.events ?? [];
      if (events.length && events[0].sequence > cursor + 1) {
        await this.reload();
        this.stats.reloads += 1;
        return true;
      }
      for (const event of events) if (event.sequence === this.sequence + 1) this.accept(event);
      if (events.length < HISTORY_PAGE || generation !== this.bridge.generation) return false;
      cursor = events[events.length - 1].sequence;
    }
  }

  /**
   * Applies the held events in sequence order. One after a jump holds the rest back again and
   * asks for another catch-up (events lost while the feed was filling).
   */
  releaseHeld() {
    const held = (this.held ?? []).sort((a, b) => a.sequence - b.sequence);
    this.held = null;
    for (const event of held) this.onLive(event);
  }

  /**
   * @param {BridgeError} error
   * @param {string} title
   */
  failed(error, title) {
    if (error.status === 403 || error.status === 404) this.lost(error);
    else if (this.attached) this.bridge.emitter.emit('error', error.problem ?? { title, status: 0, detail: String(error) });
  }

  /** @param {BridgeError} error */
  lost(error) {
    this.unsubscribeAll();
    this.attached = false;
    this.held = null;
    this.pending = undefined;
    for (const view of this.views) view.onLost?.(error);
  }

  /**
   * @param {SyncEvent['reason']} reason
   * @param {boolean} reloaded
   */
  emitSync(reason, reloaded) {
    /** @type {SyncEvent} */
    const sync = { type: 'sync', meetingId: this.id, sequence: this.sequence, reason, reloaded };
    for (const view of [...this.views]) view.deliverSync(sync);
  }

  /**
   * Applies the next event: the state first, then every view's state, then the listeners.
   * @param {BridgeEvent} event
   */
  accept(event) {
    this.sequence = event.sequence;
    switch (event.type) {
      case 'participant-joined':
        this.participants.set(event.participant.id, event.participant);
        break;
      case 'participant-left':
        this.participants.delete(event.participant.id);
        break;
      case 'meeting-ended':
        this.status = 'ended';
        this.endedAt = event.timestamp;
        this.participants.clear();
        // Nothing follows meeting-ended; let the bridge forget the subscriptions.
        queueMicrotask(() => this.unsubscribeAll());
        break;
      default:
    }
    const views = this.viewList;
    for (let i = 0; i < views.length; i++) views[i].onEvent(event);
    for (let i = 0; i < views.length; i++) views[i].deliver(event);
  }
}
