import { HISTORY_RESET, fillFrom } from './history.js';

/** @typedef {import('./types.js').SyncEvent} SyncEvent */
/** @typedef {import('./errors.js').BridgeError} BridgeError */
/** @typedef {import('./feed.js').MeetingFeed} MeetingFeed */

/** @typedef {{reason: SyncEvent['reason'], reload: boolean}} CatchUp */

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10000;

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
 * Brings a feed up to date, one catch-up at a time: a request while one runs makes it go round
 * again. It fills from the history or reloads, then applies the held events and tells the views
 * with a `sync` event. Failures are retried with a growing delay while the feed is followed.
 * @internal
 */
export class CatchUps {
  /** @param {MeetingFeed} feed */
  constructor(feed) {
    this.feed = feed;
    /** @type {CatchUp | undefined} a catch-up asked for and not yet started */
    this.pending = undefined;
    /** @type {Promise<void> | undefined} the catch-up under way */
    this.running = undefined;
  }

  /**
   * @param {CatchUp} request
   * @returns {Promise<void>} the catch-up under way, which will include this request
   */
  request(request) {
    this.pending = merged(this.pending, request);
    this.feed.held ??= [];
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * After a reconnect: check access again, re-subscribe (holding live events), then fill what was
   * missed from the history, or reload the meeting when the bridge asked for a resync.
   * @param {boolean} resync
   * @param {SyncEvent['reason']} [reason] the `sync` event's reason, when nothing asks for a reload
   */
  async resume(resync, reason = 'reconnect') {
    const feed = this.feed;
    if (!feed.attached || feed.state.status === 'ended') return;
    feed.held ??= [];
    let reset = resync;
    try {
      // The bridge checks access before the position: history-reset (the meeting's history was
      // reset while we were away) still says we may subscribe, and that we must reload.
      await feed.bridge.request('GET', `${feed.path}/events?after=${feed.state.sequence}&limit=1${feed.state.epochQuery}`)
        .catch((/** @type {BridgeError} */ error) => {
          if (error?.code !== HISTORY_RESET) throw error;
          reset = true;
        });
      await feed.subscribeAll();
    } catch (error) {
      feed.held = null;
      feed.failed(/** @type {BridgeError} */ (error), 'Catch-up failed');
      return;
    }
    await this.request(reset ? { reason: 'resync', reload: true } : { reason, reload: false });
  }

  /** Forgets what was asked for and has not started. */
  cancel() {
    this.pending = undefined;
  }

  async run() {
    const feed = this.feed;
    /** @type {SyncEvent['reason']} */
    let reason = 'gap';
    let reloaded = false;
    let delay = RETRY_FIRST_MS;
    let reported = false;
    while (this.pending && feed.attached && !feed.bridge.isClosed()) {
      const request = this.pending;
      this.pending = undefined;
      if (WEIGHT[request.reason] > WEIGHT[reason]) reason = request.reason;
      try {
        if (request.reload) {
          await feed.reload();
          feed.stats.reloads += 1;
          reloaded = true;
        } else if (await fillFrom(feed, feed.state.sequence)) {
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
          feed.lost(problem);
          return;
        }
        if (!reported) feed.failed(problem, 'Catch-up failed');
        reported = true;
        // Asked again, keeping a reload that was asked for.
        this.pending = merged(this.pending, request);
        await new Promise((resolve) => /** @type {{unref?: () => void}} */ (setTimeout(resolve, delay)).unref?.());
        delay = Math.min(delay * 2, RETRY_MAX_MS);
        continue;
      }
      if (request.reason === 'gap') feed.stats.gapsFilled += 1;
      feed.releaseHeld();
    }
    if (!feed.attached || feed.bridge.isClosed()) return;
    feed.emitSync(reason, reloaded);
  }
}
