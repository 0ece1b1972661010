import { BridgeCalls } from './calls.js';
import { Emitter } from './emitter.js';
import { MeetingFeed } from './feed.js';
import { StompLink } from './link.js';
import { Meeting } from './meeting.js';
import { bridgeEventType } from './options.js';
import { SessionRecovery } from './recovery.js';
import { idempotencyKey, seg } from './rest.js';
import { decodeToken } from './token.js';
import { TokenWatch } from './token-watch.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').BridgeEvents} BridgeEvents */
/** @typedef {import('./types.js').BridgeState} BridgeState */
/** @typedef {import('./types.js').Problem} Problem */
/** @typedef {import('./options.js').ConnectOptions} ConnectOptions */
/** @typedef {import('./options.js').JoinOptions} JoinOptions */
/** @typedef {import('./errors.js').BridgeError} BridgeError */

/**
 * A client of one bridge for one token: the REST calls of {@link BridgeCalls}, one STOMP session
 * that reconnects by itself, and the meetings it follows. Its own events (`on(type, listener)`):
 * - `state` `(state)`: `connected`, `reconnecting`, `closed`
 * - `error` `(problem)`: a refused SEND answered on `/user/queue/errors`, a STOMP ERROR frame, or
 *   a background failure (re-subscribing, catching up); never thrown at you
 * - `reconnected` `()`: after a reconnect, once every followed meeting has caught up
 * - `token-expiring` `({expiresAt, inMs})`: the token's `exp` is `tokenWarningMs` away (once per
 *   token): mint a new one and pass it to {@link MeetingBridge#setToken}
 * - `token-expired` `({expiresAt, refused, problem})`: the token's `exp` has passed, or the bridge
 *   refused it (401; `refused: true`): calls fail until `setToken()` gives a new one
 */
export class MeetingBridge extends BridgeCalls {
  /**
   * Connects (STOMP CONNECT with the token) and resolves once the session is up.
   * @param {ConnectOptions} options
   * @returns {Promise<MeetingBridge>} rejects with a {@link BridgeError} (`unauthenticated`, `unreachable`)
   */
  static async connect(options) {
    const bridge = new MeetingBridge(options);
    await bridge.open();
    return bridge;
  }

  /** @param {ConnectOptions} options */
  constructor(options) {
    super(options);
    const settings = this.settings;
    /** @type {BridgeState} */
    this.state = 'connecting';
    /** @internal @type {Emitter<BridgeEvents>} */
    this.emitter = new Emitter();
    /** @internal */
    this.link = new StompLink({ url: this.wsUrl, WebSocketImpl: settings.WebSocketImpl, heartbeatMs: settings.heartbeatMs }, {
      token: () => this.token,
      isClosed: () => this.isClosed(),
      onProblem: (problem) => this.report(problem),
      onSwitch: (message) => this.recovery.onSwitch(message).catch((error) => this.report(error.problem ?? {
        title: 'Switch failed', status: 0, detail: String(error),
      })),
      onDown: (end) => {
        for (const feed of this.feeds.values()) feed.onDisconnected();
        this.recovery.sessionLost(end);
      },
    });
    /** @internal */
    this.recovery = new SessionRecovery(this, settings);
    /** @internal */
    this.tokens = new TokenWatch(settings.tokenWarningMs, {
      expiring: (detail) => this.emitter.emit('token-expiring', detail),
      expired: (detail) => this.emitter.emit('token-expired', detail),
      closedByUser: () => this.state === 'closed' && !this.closedByRefusal,
    });
    /** @internal @type {Map<string, MeetingFeed>} */
    this.feeds = new Map();
    /** @internal @type {Map<string, Meeting>} */
    this.meetings = new Map();
    /** @internal Whether the bridge, not `close()`, closed the client (it refused the token). */
    this.closedByRefusal = false;
  }

  /**
   * Listens to the bridge's own events: `state`, `error`, `reconnected`.
   * @template {keyof BridgeEvents} K
   * @param {K} type
   * @param {(...args: BridgeEvents[K]) => void} listener
   */
  on(type, listener) {
    this.emitter.on(/** @type {K} */ (bridgeEventType(type)), listener);
  }

  /**
   * @template {keyof BridgeEvents} K
   * @param {K} type
   * @param {(...args: BridgeEvents[K]) => void} [listener] none: every listener of that type
   */
  off(type, listener) {
    this.emitter.off(/** @type {K} */ (bridgeEventType(type)), listener);
  }

  /** Opens the first STOMP session. {@link MeetingBridge.connect} calls it. */
  async open() {
    await this.link.start();
    this.setState('connected');
    // From here, so that listeners added right after `connect()` resolves hear a token that
    // is already within tokenWarningMs of its end.
    this.tokens.watch(this.claims);
  }

  /**
   * @internal
   * @param {BridgeState} state
   */
  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emitter.emit('state', state);
  }

  /**
   * Replaces the token, for example on `token-expiring`. REST calls use it at once; the STOMP
   * session keeps running and the next CONNECT (after a reconnect) sends it. A client that the
   * bridge closed because it refused the old token (state `closed` after `token-expired`)
   * reconnects with the new one and catches up.
   * @param {string} token
   */
  setToken(token) {
    if (!token) throw new TypeError('setToken needs a token');
    this.token = token;
    this.claims = decodeToken(token);
    this.tokens.watch(this.claims);
    if (this.state === 'closed' && this.closedByRefusal) {
      this.closedByRefusal = false;
      this.setState('reconnecting');
      this.recovery.schedule(0);
    }
  }

  /**
   * The bridge refused the token on CONNECT: the client closes until `setToken()`.
   * @internal
   * @param {Problem} problem
   */
  refusedToken(problem) {
    this.report(problem);
    this.setState('closed');
    this.link.stop();
    this.tokenRefused(problem);
  }

  /**
   * The bridge refused the token (401, or an ERROR frame `unauthenticated`).
   * @override
   * @internal
   * @param {Problem} problem
   */
  tokenRefused(problem) {
    if (this.state === 'closed') this.closedByRefusal = true;
    this.tokens.refused(problem, this.claims.exp);
  }

  /** @internal Whether `close()` was called (or the token refused), read after an await. */
  isClosed() {
    return this.state === 'closed';
  }

  /** Ends the session and stops reconnecting. Followed meetings stop updating. */
  close() {
    this.closedByRefusal = false;
    this.tokens.stop();
    this.setState('closed');
    this.recovery.stop();
    for (const feed of this.feeds.values()) feed.onDisconnected();
    this.link.stop();
  }

  /**
   * The caller's own meeting, followed live. With `join`, the acting participant joins first
   * (`bindToSession` also binds it to this client's STOMP session, so it leaves by itself when the
   * client goes away for longer than the bridge's presence grace). Without `join`, the caller must
   * already be allowed to read the meeting (a member, or a server token); otherwise this rejects
   * with the problem (`forbidden`, `meeting-not-found`).
   * @param {string} meetingId
   * @param {{join?: JoinOptions}} [options]
   * @returns {Promise<Meeting>} the same object for the same id while it is followed
   */
  async meeting(meetingId, { join } = {}) {
    let meeting = this.meetings.get(meetingId);
    if (!meeting) {
      meeting = new Meeting(this, meetingId);
      this.meetings.set(meetingId, meeting);
    }
    try {
      if (join) await meeting.join(join);
      else await meeting.attach();
    } catch (error) {
      if (!meeting.attached) meeting.dispose();
      throw error;
    }
    return meeting;
  }

  // ----- plumbing shared by the meeting objects and feeds -----

  /**
   * Binds the acting participant's membership of a meeting to this client's STOMP session (a
   * STOMP join: the bridge moves an existing binding here without an event), and again after
   * every reconnect.
   * @internal
   * @param {string} meetingId
   * @param {string} displayName
   */
  bindToSession(meetingId, displayName) {
    this.sendFrame(`/app/meetings/${seg(meetingId)}/join`, { displayName });
    this.recovery.bound.set(meetingId, displayName);
  }

  /** @internal Stops re-binding a meeting's participant after reconnects. @param {string} meetingId */
  unbind(meetingId) {
    this.recovery.bound.delete(meetingId);
  }

  /** @internal Emits `error`: a refusal, or a background failure. @param {Problem} problem */
  report(problem) {
    this.emitter.emit('error', problem);
  }

  /** @internal Forgets a meeting object that is no longer followed. @param {Meeting} meeting */
  forget(meeting) {
    if (this.meetings.get(meeting.id) === meeting) this.meetings.delete(meeting.id);
  }

  /** @internal The feed of a meeting, made on first use. @param {string} meetingId @returns {MeetingFeed} */
  feed(meetingId) {
    let feed = this.feeds.get(meetingId);
    if (!feed) {
      feed = new MeetingFeed(this, meetingId);
      this.feeds.set(meetingId, feed);
    }
    return feed;
  }

  /** @internal Forgets a feed that no view shows any more. @param {MeetingFeed} feed */
  forgetFeed(feed) {
    if (this.feeds.get(feed.id) === feed) this.feeds.delete(feed.id);
  }

  /** @internal After a reconnect: every feed catches up. @param {boolean} resync whether to reload */
  async resumeFeeds(resync) {
    await Promise.all([...this.feeds.values()].map((feed) => feed.resume({ resync })));
  }

  /** @internal The number of the STOMP session under way: work begun for an earlier one can tell. */
  generation() {
    return this.link.generation;
  }

  /**
   * @internal SUBSCRIBE with a receipt, once a session is up; resolves with the subscription id.
   * @param {string} destination
   * @param {(event: BridgeEvent) => void} onMessage
   * @returns {Promise<string>}
   */
  subscribe(destination, onMessage) {
    return this.link.subscribe(destination, onMessage);
  }

  /** @internal @param {string} id */
  unsubscribe(id) {
    this.link.unsubscribe(id);
  }

  /** @internal Whether the subscription lives on the current session. @param {string} id */
  isSubscribed(id) {
    return this.link.isSubscribed(id);
  }

  /**
   * @internal A SEND with its own `idempotency-key`: carried out once should it arrive twice.
   * @param {string} destination
   * @param {object} body
   */
  sendFrame(destination, body) {
    this.link.send({ destination, 'content-type': 'application/json', 'idempotency-key': idempotencyKey() },
      JSON.stringify(body));
  }
}
