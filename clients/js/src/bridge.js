import { Emitter } from './emitter.js';
import { BridgeError, localError, stompProblem } from './errors.js';
import { MeetingFeed } from './feed.js';
import { Meeting } from './meeting.js';
import { Rest, idempotencyKey, parseJson, seg } from './rest.js';
import { RESYNC_CLOSE_CODE, StompSession } from './stomp/session.js';
import { decodeToken } from './token.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').BridgeEvents} BridgeEvents */
/** @typedef {import('./types.js').BridgeState} BridgeState */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').MeetingSummary} MeetingSummary */
/** @typedef {import('./types.js').SwitchMeeting} SwitchMeeting */
/** @typedef {import('./types.js').WebhookEndpointStatus} WebhookEndpointStatus */
/** @typedef {import('./stomp/session.js').WebSocketClass} WebSocketClass */
/** @typedef {import('./stomp/session.js').SessionEnd} SessionEnd */
/** @typedef {import('./stomp/frames.js').Frame} Frame */

/**
 * @typedef {object} ConnectOptions
 * @property {string} [url] the bridge's base URL, `http(s)://host:port` (default: the page's origin);
 *   a `ws(s)://host:port/ws` URL is accepted too
 * @property {string} token a JWT (participant or server token)
 * @property {string} [actAs] with a server token: the participant to act as (joins, leaves, chat)
 * @property {WebSocketClass | (new (url: string, protocols?: string | string[]) => any)} [webSocketImpl]
 *   a WebSocket class (default `globalThis.WebSocket`), e.g. the `ws` package's in Node < 22
 * @property {typeof globalThis.fetch} [fetchImpl] default `globalThis.fetch`
 * @property {number} [heartbeatMs] STOMP heart-beat offered, default 10000
 * @property {number} [reconnectDelayMs] first reconnect delay, default 500, doubling up to `maxReconnectDelayMs`
 * @property {number} [maxReconnectDelayMs] default 10000
 * @property {number} [retryForMs] how long a change (POST, DELETE) is sent again with its
 *   `Idempotency-Key` after a network error, 502, 503, 504 or `idempotency-key-in-progress`,
 *   counted from its first attempt; default 30000 (0: sent once)
 * @property {number} [tokenWarningMs] how long before the token's `exp` the bridge emits
 *   `token-expiring`; default 60000
 */

/** The bridge's own event types, for `on()` and `off()`. */
const BRIDGE_EVENTS = Object.freeze(['state', 'error', 'reconnected', 'token-expiring', 'token-expired']);

/**
 * @param {string} type
 * @returns {string} the type, if the bridge emits it
 * @throws {TypeError} naming the types there are, so that a misspelt name fails loudly
 */
function bridgeEventType(type) {
  if (BRIDGE_EVENTS.includes(type)) return type;
  throw new TypeError(`MeetingBridge emits no '${type}' event; its events are ${BRIDGE_EVENTS.join(', ')}`);
}

/**
 * @typedef {object} JoinOptions
 * @property {string} displayName
 * @property {string} [participantId] only with a server token (default: `actAs`)
 * @property {boolean} [bindToSession] participant tokens: the bridge removes the participant when
 *   this client stays away longer than its presence grace; re-bound after each reconnect
 */

/**
 * Who the token says it is (decoded, not verified).
 * @typedef {object} Identity
 * @property {string} [sub]
 * @property {boolean} isServer
 * @property {string} [participantId] the token's `sub`, or `actAs` with a server token
 * @property {string[]} permissions
 * @property {string} [roomId]
 * @property {number} [exp]
 */

/**
 * A client of one bridge for one token: REST calls, one STOMP session that reconnects by itself,
 * and the meetings it follows. Its own events (`on(type, listener)`):
 * - `state` `(state)`: `connected`, `reconnecting`, `closed`
 * - `error` `(problem)`: a refused SEND answered on `/user/queue/errors`, a STOMP ERROR frame, or
 *   a background failure (re-subscribing, catching up); never thrown at you
 * - `reconnected` `()`: after a reconnect, once every followed meeting has caught up
 * - `token-expiring` `({expiresAt, inMs})`: the token's `exp` is `tokenWarningMs` away (once per
 *   token): mint a new one and pass it to {@link MeetingBridge#setToken}
 * - `token-expired` `({expiresAt, refused, problem})`: the token's `exp` has passed, or the bridge
 *   refused it (401; `refused: true`): calls fail until `setToken()` gives a new one
 */
export class MeetingBridge {
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
    const { url, token, actAs, webSocketImpl, fetchImpl, heartbeatMs = 10000,
      reconnectDelayMs = 500, maxReconnectDelayMs = 10000, retryForMs = 30000, tokenWarningMs = 60000 } = options ?? {};
    if (!token) throw new TypeError('MeetingBridge needs a token');
    const base = url ?? globalThis.location?.origin;
    if (!base) throw new TypeError('MeetingBridge needs a url');
    const parsed = new URL(base);
    const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
    /** The REST base URL, e.g. `http://localhost:8080`. */
    this.url = `${secure ? 'https' : 'http'}://${parsed.host}`;
    /** The STOMP endpoint, e.g. `ws://localhost:8080/ws`. */
    this.wsUrl = `${secure ? 'wss' : 'ws'}://${parsed.host}/ws`;
    this.token = token;
    const WebSocketImpl = /** @type {WebSocketClass | undefined} */ (webSocketImpl ?? globalThis.WebSocket);
    if (!WebSocketImpl) throw new TypeError('No WebSocket here: pass webSocketImpl (e.g. the ws package)');
    this.WebSocketImpl = WebSocketImpl;
    const fetch = fetchImpl ?? globalThis.fetch?.bind(globalThis);
    if (!fetch) throw new TypeError('No fetch here: pass fetchImpl');
    /** @internal */
    this.rest = new Rest(this.url, fetch, () => this.token, { retryForMs });
    this.heartbeatMs = heartbeatMs;
    this.reconnectDelayMs = reconnectDelayMs;
    this.maxReconnectDelayMs = maxReconnectDelayMs;
    /** @type {BridgeState} */
    this.state = 'connecting';
    this.claims = decodeToken(token);
    /** @type {string | undefined} */
    this.actAs = actAs;
    /** @internal @type {Emitter<BridgeEvents>} */
    this.emitter = new Emitter();
    /** @internal @type {StompSession | undefined} */
    this.session = undefined;
    /** @internal Increments with every STOMP session, so work for a dead one can tell. */
    this.generation = 0;
    /** @internal */
    this.nextId = 1;
    /** @internal @type {Map<string, {destination: string, onMessage: (event: BridgeEvent) => void}>} */
    this.subscriptions = new Map();
    /** @internal @type {Map<string, {resolve: () => void, reject: (error: BridgeError) => void}>} */
    this.receipts = new Map();
    /** @internal @type {Map<string, MeetingFeed>} */
    this.feeds = new Map();
    /** @internal @type {Map<string, Meeting>} */
    this.meetings = new Map();
    /** @internal Meetings the acting participant joined bound to the session: meeting id to display name. */
    this.bound = new Map();
    /** @internal Whether the bridge, not `close()`, closed the client (it refused the token). */
    this.closedByRefusal = false;
    /** @internal @type {ReturnType<typeof setTimeout> | undefined} */
    this.reconnectTimer = undefined;
    /** @internal The bridge closed the last session with `resync`: reload, do not fill. */
    this.resyncPending = false;
    /** @internal */
    this.tokenWarningMs = tokenWarningMs;
    /** @internal @type {ReturnType<typeof setTimeout>[]} */
    this.tokenTimers = [];
    /** @internal Whether `token-expired` was emitted for the current token. */
    this.tokenExpired = false;
  }

  /** @returns {Identity} */
  get identity() {
    const roles = Array.isArray(this.claims.roles) ? this.claims.roles : [];
    const isServer = roles.includes('server');
    return {
      sub: this.claims.sub,
      isServer,
      participantId: isServer ? this.actAs : this.claims.sub,
      permissions: Array.isArray(this.claims.permissions) ? this.claims.permissions : [],
      roomId: this.claims.roomId,
      exp: this.claims.exp,
    };
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
    await this.startSession();
    this.setState('connected');
    // From here, so that listeners added right after `connect()` resolves hear a token that
    // is already within tokenWarningMs of its end.
    this.watchToken();
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

  /** @internal */
  async startSession() {
    const session = new StompSession({
      url: this.wsUrl,
      token: this.token,
      WebSocketImpl: this.WebSocketImpl,
      heartbeatMs: this.heartbeatMs,
      onFrame: (frame) => this.onFrame(session, frame),
      onClose: (end) => this.onSessionClosed(session, end),
    });
    await session.open();
    if (this.state === 'closed') {
      session.disconnect();
      throw localError('Closed', 'the bridge client was closed', 'closed');
    }
    this.session = session;
    this.generation += 1;
    session.send('SUBSCRIBE', { id: 'errors', destination: '/user/queue/errors' });
    session.send('SUBSCRIBE', { id: 'switch-meeting', destination: '/user/queue/switch-meeting' });
  }

  /**
   * @internal
   * @param {StompSession} session
   * @param {Frame} frame
   */
  onFrame(session, frame) {
    if (session !== this.session) return;
    switch (frame.command) {
      case 'MESSAGE': {
        const id = frame.headers.subscription;
        if (id === 'errors') {
          this.emitter.emit('error', parseJson(frame.body) ?? { title: 'Refused', status: 0, detail: frame.body });
          return;
        }
        if (id === 'switch-meeting') {
          const message = parseJson(frame.body);
          if (message) this.onSwitchMeeting(/** @type {SwitchMeeting} */ (message)).catch((error) => this.report(error.problem ?? {
            title: 'Switch failed', status: 0, detail: String(error),
          }));
          return;
        }
        const subscription = this.subscriptions.get(id);
        const event = parseJson(frame.body);
        if (subscription && event) subscription.onMessage(event);
        return;
      }
      case 'RECEIPT': {
        const pending = this.receipts.get(frame.headers['receipt-id']);
        this.receipts.delete(frame.headers['receipt-id']);
        pending?.resolve();
        return;
      }
      case 'ERROR': {
        const problem = stompProblem(frame.headers.message, frame.body);
        const pending = this.receipts.get(frame.headers['receipt-id']);
        if (pending) {
          this.receipts.delete(frame.headers['receipt-id']);
          pending.reject(new BridgeError(problem));
        }
        this.emitter.emit('error', problem);
        return; // the bridge closes the connection; onSessionClosed reconnects
      }
      default:
    }
  }

  /**
   * A `switch-meeting` for this client's participant: every meeting it follows as its own hears
   * it. When the bridge moved the participant, the client follows the target first (re-binding it
   * after reconnects as it did the meeting it left); the meeting it left stops by itself on its
   * `participant-left` (`switched`).
   * @internal
   * @param {SwitchMeeting} message
   */
  async onSwitchMeeting(message) {
    const sources = [...this.meetings.values()].filter((meeting) => meeting.id !== message.meetingId);
    /** @type {Meeting | undefined} */
    let target;
    if (message.moved) {
      const boundAs = sources.map((meeting) => this.bound.get(meeting.id)).find((name) => name !== undefined);
      target = await this.meeting(message.meetingId);
      if (boundAs !== undefined) this.bound.set(target.id, boundAs);
    }
    for (const meeting of sources) meeting.emitSwitch(message, target);
  }

  /**
   * @internal
   * @param {StompSession} session
   * @param {SessionEnd} end
   */
  onSessionClosed(session, end) {
    if (session !== this.session) return;
    this.session = undefined;
    this.subscriptions.clear();
    const lost = localError('Disconnected', 'the STOMP session closed', 'disconnected');
    for (const pending of this.receipts.values()) pending.reject(lost);
    this.receipts.clear();
    for (const feed of this.feeds.values()) feed.onDisconnected();
    if (this.state === 'closed') return;
    if (end.error?.code === 'unauthenticated') {
      this.emitter.emit('error', end.error);
      this.setState('closed');
      this.tokenRefused(end.error);
      return;
    }
    // 4000 resync: the bridge could not fill a gap from the history, or the meeting's history was
    // reset (a new epoch); reconnect and reload.
    if (end.code === RESYNC_CLOSE_CODE) this.resyncPending = true;
    this.setState('reconnecting');
    this.scheduleReconnect(this.reconnectDelayMs);
  }

  /**
   * @internal
   * @param {number} delay
   */
  scheduleReconnect(delay) {
    clearTimeout(this.reconnectTimer);
    const jittered = delay / 2 + Math.random() * (delay / 2);
    this.reconnectTimer = setTimeout(async () => {
      if (this.state === 'closed') return;
      try {
        await this.startSession();
      } catch (error) {
        const problem = /** @type {BridgeError} */ (error);
        if (problem?.code === 'unauthenticated') {
          this.emitter.emit('error', problem.problem);
          this.setState('closed');
          this.tokenRefused(problem.problem);
        } else if (!this.isClosed()) {
          this.scheduleReconnect(Math.min(delay * 2, this.maxReconnectDelayMs));
        }
        return;
      }
      this.setState('connected');
      await this.catchUp();
    }, jittered);
  }

  /**
   * After a reconnect: re-bind session-bound participants, then let every followed meeting catch
   * up (from the history, or from a fresh snapshot after a resync).
   * @internal
   */
  async catchUp() {
    const generation = this.generation;
    const resync = this.resyncPending;
    this.resyncPending = false;
    for (const [meetingId, displayName] of this.bound) {
      try {
        await this.request('POST', `/api/meetings/${seg(meetingId)}/participants`, { displayName });
        this.sendFrame(`/app/meetings/${seg(meetingId)}/join`, { displayName });
      } catch (error) {
        this.bound.delete(meetingId);
        const problem = /** @type {BridgeError} */ (error);
        this.emitter.emit('error', problem.problem ?? { title: 'Re-join failed', status: 0, detail: String(error) });
      }
    }
    await Promise.all([...this.feeds.values()].map((feed) => feed.resume({ resync })));
    if (generation === this.generation && this.state === 'connected') this.emitter.emit('reconnected');
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
    this.watchToken();
    if (this.state === 'closed' && this.closedByRefusal) {
      this.closedByRefusal = false;
      this.setState('reconnecting');
      this.scheduleReconnect(0);
    }
  }

  /**
   * Times `token-expiring` and `token-expired` for the current token's `exp`.
   * @internal
   */
  watchToken() {
    for (const timer of this.tokenTimers) clearTimeout(timer);
    this.tokenTimers = [];
    this.tokenExpired = false;
    const exp = this.claims.exp;
    if (typeof exp !== 'number') return;
    const expiresAt = new Date(exp * 1000).toISOString();
    const left = exp * 1000 - Date.now();
    /** @param {() => void} action @param {number} delay */
    const at = (action, delay) => {
      const timer = setTimeout(action, Math.max(0, delay));
      /** @type {{unref?: () => void}} */ (timer).unref?.();
      this.tokenTimers.push(timer);
    };
    if (left > 0) {
      at(() => this.emitter.emit('token-expiring', { expiresAt, inMs: Math.max(0, exp * 1000 - Date.now()) }),
        left - this.tokenWarningMs);
    }
    at(() => this.expired({ expiresAt, refused: false }), left);
  }

  /**
   * The bridge refused the token (401, or an ERROR frame `unauthenticated`).
   * @internal
   * @param {import('./types.js').Problem} problem
   */
  tokenRefused(problem) {
    if (this.state === 'closed') this.closedByRefusal = true;
    const exp = this.claims.exp;
    this.expired({ expiresAt: typeof exp === 'number' ? new Date(exp * 1000).toISOString() : undefined, refused: true, problem });
  }

  /**
   * @internal
   * @param {import('./types.js').TokenExpired} detail
   */
  expired(detail) {
    if (this.tokenExpired || this.isClosedByUser()) return;
    this.tokenExpired = true;
    this.emitter.emit('token-expired', detail);
  }

  /** @internal */
  isClosedByUser() {
    return this.state === 'closed' && !this.closedByRefusal;
  }

  /** @internal Whether `close()` was called (or the token refused), read after an await. */
  isClosed() {
    return this.state === 'closed';
  }

  /** Ends the session and stops reconnecting. Followed meetings stop updating. */
  close() {
    this.closedByRefusal = false;
    for (const timer of this.tokenTimers) clearTimeout(timer);
    this.tokenTimers = [];
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    for (const feed of this.feeds.values()) feed.onDisconnected();
    this.session?.disconnect();
    this.session = undefined;
  }

  /**
   * One REST call. Resolves with the parsed JSON body (`null` for 204), rejects with a
   * {@link BridgeError} carrying the problem details. A POST or DELETE carries a fresh
   * `Idempotency-Key` and is retried with it (see `retryForMs`), so it takes effect once.
   * @param {string} method
   * @param {string} path e.g. `/api/meetings/mars`
   * @param {object} [body]
   * @returns {Promise<any>}
   */
  request(method, path, body) {
    return this.rest.request(method, path, body).catch((/** @type {BridgeError} */ error) => {
      if (error?.status === 401) this.tokenRefused(error.problem);
      throw error;
    });
  }

  /**
   * Creates a meeting (server tokens, or participant tokens with `allow_mod`).
   * @param {{meetingId?: string}} [options] an id, or none for a generated one
   * @returns {Promise<MeetingInfo>}
   */
  createMeeting({ meetingId } = {}) {
    return this.request('POST', '/api/meetings', meetingId ? { meetingId } : {});
  }

  /**
   * Reads a meeting once, without following it.
   * @param {string} meetingId
   * @returns {Promise<MeetingInfo>}
   */
  readMeeting(meetingId) {
    return this.request('GET', `/api/meetings/${seg(meetingId)}`);
  }

  /**
   * The webhook endpoints as operators see them (server tokens only).
   * @returns {Promise<{endpoints: WebhookEndpointStatus[]}>}
   */
  listWebhooks() {
    return this.request('GET', '/api/webhooks');
  }

  /**
   * Lists meetings, newest first (server tokens only).
   * @param {{status?: 'active' | 'ended', cursor?: string, limit?: number}} [query]
   * @returns {Promise<{meetings: MeetingSummary[], nextCursor?: string}>}
   */
  listMeetings({ status, cursor, limit } = {}) {
    const query = new URLSearchParams();
    if (status) query.set('status', status);
    if (cursor) query.set('cursor', cursor);
    if (limit) query.set('limit', String(limit));
    const text = query.toString();
    return this.request('GET', `/api/meetings${text ? `?${text}` : ''}`);
  }

  /**
   * Ends a meeting by id (member with `allow_mod`, or a server token).
   * @param {string} meetingId
   * @returns {Promise<MeetingInfo>}
   */
  endMeeting(meetingId) {
    return this.request('POST', `/api/meetings/${seg(meetingId)}/end`);
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

  // ----- plumbing shared by the meeting objects -----

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
    this.bound.set(meetingId, displayName);
  }

  /**
   * Stops re-binding a meeting's participant after reconnects.
   * @internal
   * @param {string} meetingId
   */
  unbind(meetingId) {
    this.bound.delete(meetingId);
  }

  /**
   * Reports a background failure as an `error` event.
   * @internal
   * @param {import('./types.js').Problem} problem
   */
  report(problem) {
    this.emitter.emit('error', problem);
  }

  /**
   * Forgets a meeting object that is no longer followed.
   * @internal
   * @param {Meeting} meeting
   */
  forget(meeting) {
    if (this.meetings.get(meeting.id) === meeting) this.meetings.delete(meeting.id);
  }

  /**
   * @internal
   * @param {string} meetingId
   * @returns {MeetingFeed} the feed of a meeting, made on first use
   */
  feed(meetingId) {
    let feed = this.feeds.get(meetingId);
    if (!feed) {
      feed = new MeetingFeed(this, meetingId);
      this.feeds.set(meetingId, feed);
    }
    return feed;
  }

  /**
   * Resolves when a STOMP session is up (at once, or after the reconnect under way); rejects once closed.
   * @internal
   * @returns {Promise<StompSession>}
   */
  whenConnected() {
    if (this.session) return Promise.resolve(this.session);
    const closed = () => localError('Closed', 'the bridge client was closed', 'closed');
    if (this.state === 'closed') return Promise.reject(closed());
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (this.session) {
          this.off('state', listener);
          resolve(this.session);
        } else if (this.state === 'closed') {
          this.off('state', listener);
          reject(closed());
        }
      };
      this.on('state', listener);
    });
  }

  /**
   * SUBSCRIBE with a receipt; resolves with the subscription id once it is live.
   * @internal
   * @param {string} destination
   * @param {(event: BridgeEvent) => void} onMessage
   * @returns {Promise<string>}
   */
  async subscribe(destination, onMessage) {
    const session = await this.whenConnected();
    const id = `sub-${this.nextId++}`;
    const receipt = `r-${this.nextId++}`;
    this.subscriptions.set(id, { destination, onMessage });
    /** @type {Promise<void>} */
    const confirmed = new Promise((resolve, reject) => this.receipts.set(receipt, { resolve, reject }));
    session.send('SUBSCRIBE', { id, destination, ack: 'auto', receipt });
    return confirmed.then(() => id, (error) => {
      this.subscriptions.delete(id);
      throw error;
    });
  }

  /**
   * @internal
   * @param {string} id
   */
  unsubscribe(id) {
    if (!this.subscriptions.delete(id)) return;
    this.session?.send('UNSUBSCRIBE', { id });
  }

  /**
   * A SEND with its own `idempotency-key`, so that the bridge carries it out once should the
   * frame reach it twice.
   * @internal
   * @param {string} destination
   * @param {object} body
   */
  sendFrame(destination, body) {
    this.session?.send('SEND', { destination, 'content-type': 'application/json', 'idempotency-key': idempotencyKey() },
      JSON.stringify(body));
  }
}
