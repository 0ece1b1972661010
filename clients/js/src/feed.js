import { CatchUps } from './catch-up.js';
import { seg } from './rest.js';
import { MeetingState } from './meeting-state.js';
import { FeedTopics } from './topics.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').SyncEvent} SyncEvent */
/** @typedef {import('./errors.js').BridgeError} BridgeError */
/** @typedef {import('./bridge.js').MeetingBridge} MeetingBridge */

/** @typedef {import('./view.js').FeedView} FeedView */
/** @typedef {import('./catch-up.js').CatchUp} CatchUp */

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
    /** What the client knows of the meeting, as of the last event applied. */
    this.state = new MeetingState();
    /** @type {Set<FeedView>} */
    this.views = new Set();
    /**
     * The views as an array, replaced (never changed in place) when a view comes or goes: an
     * event is handed to the views there were when it arrived, without copying the set per event.
     * @type {readonly FeedView[]}
     */
    this.viewList = [];
    /** The subscriptions to the meeting's topics. */
    this.topics = new FeedTopics(bridge, id, (event) => this.onLive(event));
    /** @type {BridgeEvent[] | null} live events held back while the feed catches up */
    this.held = null;
    this.attached = false;
    /** @type {Promise<void> | undefined} */
    this.attaching = undefined;
    /** Fills from the history or reloads, one catch-up at a time. */
    this.catchUps = new CatchUps(this);
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
    this.attaching ??= this.load(this.bridge.generation()).finally(() => {
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
    if (generation !== this.bridge.generation()) void this.resume();
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
    this.state.replace(snapshot, latestSequence, epoch);
  }

  async subscribeAll() {
    if (this.state.status !== 'ended') await this.topics.subscribeAll();
  }

  unsubscribeAll() {
    this.topics.unsubscribeAll();
  }

  /**
   * Subscribes again, on the grounds the caller has now. The bridge keeps a subscription while
   * one of the grounds it was made on holds (membership of the meeting, or of a meeting connected
   * to it) and drops it without a word when the last one goes. So a feed whose subscriptions may
   * lack a view's grounds subscribes again: when the caller's own meeting object comes to a feed
   * followed for a connection (the caller joined, or was moved into, a meeting it watched), and
   * when a view goes because its grounds went while others still show the meeting. What passed in
   * between is filled from the history, then `sync`.
   * @returns {Promise<void>}
   */
  resubscribe() {
    if (!this.attached || this.state.status === 'ended') return Promise.resolve();
    this.unsubscribeAll();
    return this.catchUps.resume(false, 'gap');
  }

  /** The STOMP session closed: its subscriptions are gone. */
  onDisconnected() {
    this.topics.clear();
  }

  /** Stops following live (after the caller's authority ended); `attach()` starts again from a snapshot. */
  suspend() {
    this.unsubscribeAll();
    this.attached = false;
    this.held = null;
    this.catchUps.cancel();
  }

  /** Stops following: unsubscribes and forgets the feed. */
  detach() {
    this.suspend();
    this.bridge.forgetFeed(this);
  }

  /**
   * After a reconnect (see {@link CatchUps#resume}).
   * @param {{resync?: boolean}} [options] whether the bridge asked for a reload
   */
  resume({ resync = false } = {}) {
    return this.catchUps.resume(resync);
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
    } else if (epoch !== this.state.epoch && epoch !== undefined && this.state.epoch !== undefined) {
      // Not comparable by sequence (an event without an epoch, from a bridge that sends none, is).
      this.onOtherEpoch(event);
    } else if (event.sequence === this.state.sequence + 1) {
      this.accept(event);
    } else if (event.sequence > this.state.sequence && this.attached) {
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
    if (!this.attached || this.state.leftBehind(event.epoch)) return;
    this.held = [event];
    void this.catchUp({ reason: 'resync', reload: true });
  }

  /**
   * Brings the feed up to date (see {@link CatchUps}).
   * @param {CatchUp} request
   * @returns {Promise<void>}
   */
  catchUp(request) {
    return this.catchUps.request(request);
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
    this.catchUps.cancel();
    for (const view of this.views) view.onLost?.(error);
  }

  /**
   * @param {SyncEvent['reason']} reason
   * @param {boolean} reloaded
   */
  emitSync(reason, reloaded) {
    /** @type {SyncEvent} */
    const sync = { type: 'sync', meetingId: this.id, sequence: this.state.sequence, reason, reloaded };
    for (const view of [...this.views]) view.deliverSync(sync);
  }

  /**
   * Applies the next event: the state first, then every view's state, then the listeners.
   * @param {BridgeEvent} event
   */
  accept(event) {
    this.state.apply(event);
    // Nothing follows meeting-ended; let the bridge forget the subscriptions.
    if (event.type === 'meeting-ended') queueMicrotask(() => this.unsubscribeAll());
    const views = this.viewList;
    for (let i = 0; i < views.length; i++) views[i].onEvent(event);
    for (let i = 0; i < views.length; i++) views[i].deliver(event);
  }
}
