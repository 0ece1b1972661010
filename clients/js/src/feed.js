import { localError } from './errors.js';
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

/**
 * Events asked for per history read: the bridge's largest page. A bridge that answers fewer
 * (a smaller limit) is read on until `latestSequence`, so nothing depends on the two agreeing.
 */
const HISTORY_PAGE = 1000;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10000;
/** The problem code with which the bridge refuses a history read whose position it no longer continues. */
const HISTORY_RESET = 'history-reset';
/** How many left-behind epochs a feed remembers (each failover of the meeting adds one). */
const PAST_EPOCHS = 8;

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
 * Two catch-up requests as one: the weightier reason, and a reload if either asks for one.
 * @param {CatchUp | undefined} pending
 * @param {CatchUp} request
 * @returns {CatchUp}
 */
function merged(pending, request) {
  return !pending ? request : {
    reason: WEIGHT[request.reason] > WEIGHT[pending.reason] ? request.reason : pending.reason,
    reload: request.reload || pending.reload,
  };
}

/**
 * The meeting's history is not the one the state was built from (found by the client itself).
 * @param {string} detail
 */
const historyReset = (detail) => localError('History reset', detail, HISTORY_RESET);

/**
 * @param {BridgeEvent} event
 * @returns {string | undefined} the id of what the event is about, where it has one
 */
function subjectId(event) {
  switch (event.type) {
    case 'participant-joined':
    case 'participant-left':
      return event.participant?.id;
    case 'chat-message':
      return event.message?.id;
    case 'connection-open':
      return event.connection?.id;
    case 'connection-close':
      return event.connectionId;
    default:
      return undefined;
  }
}

/**
 * Whether the history's event is the one the feed applied. Compared by what names an event
 * (epoch, sequence, type, timestamp, subject id) rather than by its text: the copy that came live
 * and the history's may be written differently (key order, fields added on either path), while
 * an event that took the place of a lost one differs in these (it was written after the loss).
 * @param {BridgeEvent} a
 * @param {BridgeEvent} b
 */
function sameEvent(a, b) {
  return a.sequence === b.sequence && a.epoch === b.epoch && a.type === b.type && a.timestamp === b.timestamp
    && subjectId(a) === subjectId(b);
}

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
 *
 * Sequences compare only within one epoch of the meeting's history: the bridge starts a new
 * epoch when Redis lost acknowledged writes, and the meeting's sequence may then go back and
 * number new events as ones already seen. So the feed keeps the epoch its state belongs to, and
 * reloads the meeting (never applying a sequence that merely looks new, or skipping one that
 * looks seen) when a live event comes from another epoch, when a history read it makes (always
 * with `&epoch=`) is refused with `history-reset`, or when the history's event at the last
 * applied sequence is not the one it applied (writes lost without any bridge instance noticing).
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
    /**
     * The epoch of the meeting's history that `sequence` belongs to (unknown before the first
     * snapshot, and from a bridge that sends none).
     * @type {string | undefined}
     */
    this.epoch = undefined;
    /**
     * Epochs the feed left behind when it reloaded into a new one. Epochs are never reused, so a
     * late event of one of these was on its way from a history that is gone: it is dropped.
     * @type {string[]}
     */
    this.pastEpochs = [];
    /**
     * The last event applied (none since the last snapshot): a fill checks that the history's
     * event at its sequence is still this one.
     * @type {BridgeEvent | undefined}
     */
    this.last = undefined;
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

  /** `&epoch=` for history reads, so that the bridge refuses a position its history no longer continues. */
  get epochQuery() {
    return this.epoch === undefined ? '' : `&epoch=${seg(this.epoch)}`;
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
   * Replaces the state with a fresh snapshot, as of the history's latest sequence and epoch read
   * first (should the epoch change in between, the new epoch's events make the feed reload again).
   * @param {MeetingInfo} [known] a snapshot just read, for a meeting that has ended
   */
  async reload(known) {
    const { latestSequence, epoch } = await this.bridge.request('GET', `${this.path}/events?after=0&limit=1`);
    const snapshot = known ?? await this.bridge.request('GET', this.path);
    for (const view of this.views) await view.onSnapshot?.(snapshot);
    this.status = snapshot.status;
    this.createdAt = snapshot.createdAt;
    this.endedAt = snapshot.endedAt;
    this.participants.clear();
    for (const [id, participant] of Object.entries(snapshot.participants ?? {})) this.participants.set(id, participant);
    this.sequence = latestSequence;
    this.last = undefined;
    this.setEpoch(epoch);
  }

  /** @param {string | undefined} epoch the epoch of the snapshot just loaded */
  setEpoch(epoch) {
    if (this.epoch !== undefined && epoch !== this.epoch) {
      this.pastEpochs = [...this.pastEpochs.slice(1 - PAST_EPOCHS), this.epoch];
    }
    this.epoch = epoch;
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
    let reset = resync;
    try {
      // The bridge checks access before the position: history-reset (the meeting's history was
      // reset while we were away) still says we may subscribe, and that we must reload.
      await this.bridge.request('GET', `${this.path}/events?after=${this.sequence}&limit=1${this.epochQuery}`)
        .catch((/** @type {BridgeError} */ error) => {
          if (error?.code !== HISTORY_RESET) throw error;
          reset = true;
        });
      await this.subscribeAll();
    } catch (error) {
      this.held = null;
      this.failed(/** @type {BridgeError} */ (error), 'Catch-up failed');
      return;
    }
    await this.catchUp(reset ? { reason: 'resync', reload: true } : { reason: 'reconnect', reload: false });
  }

  /**
   * A live event from one of the meeting's topics.
   * @param {BridgeEvent} event
   */
  onLive(event) {
    if (typeof event?.sequence !== 'number') return;
    const epoch = event.epoch;
    if (this.held) {
      this.held.push(event);
    } else if (epoch !== this.epoch && epoch !== undefined && this.epoch !== undefined) {
      // Not comparable by sequence (an event without an epoch, from a bridge that sends none, is).
      this.onOtherEpoch(event);
    } else if (event.sequence === this.sequence + 1) {
      this.accept(event);
    } else if (event.sequence > this.sequence && this.attached) {
      // Events were lost on the way: fill from the history before applying this one.
      this.held = [event];
      void this.catchUp({ reason: 'gap', reload: false });
    }
  }

  /**
   * A live event of another epoch than the state's. One of an epoch the feed left behind is
   * dropped; any other says the meeting's history was reset: reload, holding the event (applied
   * after the snapshot if it is newer than it).
   * @param {BridgeEvent} event
   */
  onOtherEpoch(event) {
    if (!this.attached || this.pastEpochs.includes(event.epoch)) return;
    this.held = [event];
    void this.catchUp({ reason: 'resync', reload: true });
  }

  /**
   * Brings the feed up to date (one catch-up at a time; a request while one runs makes it go
   * round again), then applies the held events and tells the listeners with a `sync` event.
   * Failures are retried with a growing delay while the feed is followed.
   * @param {CatchUp} request
   * @returns {Promise<void>}
   */
  catchUp(request) {
    this.pending = merged(this.pending, request);
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
        if (problem.code === HISTORY_RESET) {
          // Not a failure: the history the state was built from is gone; a snapshot replaces it.
          this.pending = merged(this.pending, { reason: 'resync', reload: true });
          continue;
        }
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
    this.pending = merged(this.pending, request);
  }

  /**
   * Applies the history after `after`, page by page; reloads the meeting when the history no
   * longer reaches back that far. The first read starts one event earlier, at `after` itself,
   * to check that the history still holds the event applied there: a loss of writes that no
   * bridge instance noticed (so the epoch stayed) shows as another event under that number, or
   * as a history that ends before it.
   * @param {number} after
   * @returns {Promise<boolean>} whether the state was reloaded
   * @throws {BridgeError} `history-reset` when the history is not the one the state was built from
   */
  async fillFrom(after) {
    const generation = this.bridge.generation;
    const epoch = this.epoch;
    const query = this.epochQuery;
    const applied = this.last?.sequence === after ? this.last : undefined;
    let cursor = after > 0 ? after - 1 : 0;
    for (;;) {
      const page = await this.bridge.request('GET', `${this.path}/events?after=${cursor}&limit=${HISTORY_PAGE}${query}`);
      /** @type {BridgeEvent[]} */
      const read = page.events ?? [];
      let events = read;
      if (epoch !== undefined && page.epoch !== undefined && page.epoch !== epoch) {
        throw historyReset(`the history is of epoch ${page.epoch}, the state of ${epoch}`);
      }
      if (cursor < after) {
        if (typeof page.latestSequence === 'number' && page.latestSequence < after) {
          throw historyReset(`the history ends at ${page.latestSequence}, the state is at ${after}`);
        }
        if (events.length && events[0].sequence === after) {
          if (applied && !sameEvent(events[0], applied)) throw historyReset(`the history holds another event at ${after}`);
          events = events.slice(1);
        }
        cursor = after;
      }
      if (events.length && events[0].sequence > cursor + 1) {
        await this.reload();
        this.stats.reloads += 1;
        return true;
      }
      for (const event of events) if (event.sequence === this.sequence + 1) this.accept(event);
      const end = typeof page.latestSequence === 'number' ? page.latestSequence : -1;
      if (read.length === 0 || read[read.length - 1].sequence >= end || generation !== this.bridge.generation) return false;
      cursor = read[read.length - 1].sequence;
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
    else if (this.attached) this.bridge.report(error.problem ?? { title, status: 0, detail: String(error) });
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
    this.last = event;
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
