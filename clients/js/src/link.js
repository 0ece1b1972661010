import { BridgeError, localError, stompProblem } from './errors.js';
import { parseJson } from './rest.js';
import { StompSession } from './stomp/session.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').Problem} Problem */
/** @typedef {import('./types.js').SwitchMeeting} SwitchMeeting */
/** @typedef {import('./stomp/session.js').WebSocketClass} WebSocketClass */
/** @typedef {import('./stomp/session.js').SessionEnd} SessionEnd */
/** @typedef {import('./stomp/frames.js').Frame} Frame */

/**
 * What the link tells the client that owns it.
 * @typedef {object} LinkHost
 * @property {() => string} token the token to CONNECT with
 * @property {() => boolean} isClosed whether the client was closed (a session opened after it is dropped)
 * @property {(problem: Problem) => void} onProblem a refused SEND or an ERROR frame
 * @property {(message: SwitchMeeting) => void} onSwitch a `switch-meeting` for this client's participant
 * @property {(end: SessionEnd) => void} onDown the session closed (its subscriptions are gone)
 */

const closedError = () => localError('Closed', 'the bridge client was closed', 'closed');

/**
 * The client's STOMP session, one at a time: opening it, the subscriptions and receipts made on
 * it, and the frames it receives. It does not reconnect; the client opens the next session when
 * one closes.
 * @internal
 */
export class StompLink {
  /**
   * @param {{url: string, WebSocketImpl: WebSocketClass, heartbeatMs: number}} settings
   * @param {LinkHost} host
   */
  constructor({ url, WebSocketImpl, heartbeatMs }, host) {
    this.url = url;
    this.WebSocketImpl = WebSocketImpl;
    this.heartbeatMs = heartbeatMs;
    this.host = host;
    /** @type {StompSession | undefined} */
    this.session = undefined;
    /** Increments with every session, so that work for a dead one can tell. */
    this.generation = 0;
    this.nextId = 1;
    /** @type {Map<string, {destination: string, onMessage: (event: BridgeEvent) => void}>} */
    this.subscriptions = new Map();
    /** @type {Map<string, {resolve: () => void, reject: (error: BridgeError) => void}>} */
    this.receipts = new Map();
    /** @type {{resolve: (session: StompSession) => void, reject: (error: BridgeError) => void}[]} */
    this.waiters = [];
  }

  /** Opens a session (CONNECT with the host's token) and resolves once it is up. */
  async start() {
    const session = new StompSession({
      url: this.url,
      token: this.host.token(),
      WebSocketImpl: this.WebSocketImpl,
      heartbeatMs: this.heartbeatMs,
      onFrame: (frame) => this.onFrame(session, frame),
      onClose: (end) => this.onClosed(session, end),
    });
    await session.open();
    if (this.host.isClosed()) {
      session.disconnect();
      throw closedError();
    }
    this.session = session;
    this.generation += 1;
    session.send('SUBSCRIBE', { id: 'errors', destination: '/user/queue/errors' });
    session.send('SUBSCRIBE', { id: 'switch-meeting', destination: '/user/queue/switch-meeting' });
    for (const waiter of this.waiters.splice(0)) waiter.resolve(session);
  }

  /** Ends the session, if one is up, and refuses whoever waits for the next. */
  stop() {
    const session = this.session;
    this.session = undefined;
    session?.disconnect();
    for (const waiter of this.waiters.splice(0)) waiter.reject(closedError());
  }

  /**
   * @param {StompSession} session
   * @param {Frame} frame
   */
  onFrame(session, frame) {
    if (session !== this.session) return;
    switch (frame.command) {
      case 'MESSAGE': {
        const id = frame.headers.subscription;
        const body = parseJson(frame.body);
        if (id === 'errors') this.host.onProblem(body ?? { title: 'Refused', status: 0, detail: frame.body });
        else if (id === 'switch-meeting') {
          if (body) this.host.onSwitch(/** @type {SwitchMeeting} */ (body));
        } else if (body) this.subscriptions.get(id)?.onMessage(body);
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
        this.host.onProblem(problem);
        return; // the bridge closes the connection; onClosed tells the host
      }
      default:
    }
  }

  /**
   * @param {StompSession} session
   * @param {SessionEnd} end
   */
  onClosed(session, end) {
    if (session !== this.session) return;
    this.session = undefined;
    this.subscriptions.clear();
    const lost = localError('Disconnected', 'the STOMP session closed', 'disconnected');
    for (const pending of this.receipts.values()) pending.reject(lost);
    this.receipts.clear();
    this.host.onDown(end);
  }

  /**
   * Resolves when a session is up (at once, or after the reconnect under way); rejects once closed.
   * @returns {Promise<StompSession>}
   */
  whenConnected() {
    if (this.session) return Promise.resolve(this.session);
    if (this.host.isClosed()) return Promise.reject(closedError());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * SUBSCRIBE with a receipt; resolves with the subscription id once it is live.
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

  /** @param {string} id */
  unsubscribe(id) {
    if (!this.subscriptions.delete(id)) return;
    this.session?.send('UNSUBSCRIBE', { id });
  }

  /**
   * @param {string} id
   * @returns {boolean} whether the subscription lives on the current session
   */
  isSubscribed(id) {
    return this.subscriptions.has(id);
  }

  /**
   * @param {Record<string, string>} headers SEND's headers
   * @param {string} body
   */
  send(headers, body) {
    this.session?.send('SEND', headers, body);
  }
}
