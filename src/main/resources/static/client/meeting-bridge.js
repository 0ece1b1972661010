/**
 * meeting-bridge client: VideoSDK's `ConnectionMeeting` API on top of the bridge's REST and
 * STOMP-over-WebSocket API. One dependency-free ES module for browsers and Node 18+.
 *
 * ```js
 * import { MeetingBridge } from 'http://localhost:8080/client/meeting-bridge.js'; // or a copy of this file
 *
 * const bridge = await MeetingBridge.connect({ url: 'http://localhost:8080', token });
 * const meeting = await bridge.meeting('mars', { join: { displayName: 'Alice' } });
 * const connection = await meeting.connectTo({ meetingId: 'earth', payload: 'Hello Everyone.' });
 * connection.meeting.on('participant-joined', (participant) => console.log(participant.displayName));
 * connection.meeting.participants;                          // Map, kept live
 * await connection.meeting.sendChatMessage('Hi there, from MARS!');
 * await connection.meeting.end();
 * meeting.on('connection-open', (connection) => console.log(connection.meeting.id));
 * meeting.connections;                                      // Map of Connection, kept live
 * ```
 *
 * How it works:
 * - REST does every change, so each call resolves with the bridge's answer or rejects with a
 *   {@link BridgeError} carrying the problem details (`status`, `code`, `title`, `detail`, `errors`).
 * - STOMP carries the events. `on(type)` on a meeting SUBSCRIBEs to that meeting's topic
 *   `/topic/meetings/{id}/{type}`, `off(type)` UNSUBSCRIBEs once no listener (and no bookkeeping
 *   of the client) needs it. To keep `participants` and `connections` live, the client itself
 *   listens to the topics those maps depend on.
 * - Every event carries a per-meeting `sequence`. The client applies each event once, in
 *   sequence order; after a reconnect it re-subscribes and fills what it missed from
 *   `GET /api/meetings/{m}/events?after=N` (or, if the history no longer reaches back that far,
 *   reloads the meeting).
 * - The WebSocket reconnects by itself with a capped, jittered back-off. Participants joined with
 *   `bindToSession` are re-bound to the new session within the bridge's presence grace.
 *
 * In Node without a global `WebSocket` (Node < 22), pass one:
 * `MeetingBridge.connect({ url, token, webSocketImpl: (await import('ws')).default })`.
 *
 * @module meeting-bridge
 */

/** The event types of a meeting, each with its own STOMP topic. */
export const EVENT_TYPES = Object.freeze([
  'participant-joined',
  'participant-left',
  'chat-message',
  'connection-open',
  'connection-close',
  'meeting-ended',
]);

/** Topics the client listens to for a meeting it is in: everything that changes `participants` or `connections`. */
const OWN_MEETING_TYPES = ['participant-joined', 'participant-left', 'connection-open', 'connection-close', 'meeting-ended'];

/** Topics the client listens to for the meeting at the other end of a connection. */
const CONNECTED_MEETING_TYPES = ['participant-joined', 'participant-left', 'meeting-ended'];

/** How long a closed connection's meeting stays subscribed, so the tail of an ending cascade still arrives. */
const CLOSED_CONNECTION_LINGER_MS = 3000;

const HISTORY_PAGE = 1000;

/**
 * @typedef {object} Participant
 * @property {string} id
 * @property {string} displayName
 * @property {string} joinedAt ISO-8601 timestamp
 */

/**
 * @typedef {object} ChatMessage
 * @property {string} id
 * @property {string} connectionId
 * @property {string} fromMeetingId
 * @property {string} toMeetingId
 * @property {{id: string, displayName: string}} sender
 * @property {string} message
 * @property {string} timestamp
 */

/**
 * @typedef {object} BridgeEvent An event as the bridge publishes it.
 * @property {string} type one of {@link EVENT_TYPES}
 * @property {string} meetingId the meeting whose topic carries it
 * @property {number} sequence per meeting, contiguous from 1
 * @property {string} timestamp
 * @property {Participant} [participant] participant-joined, participant-left
 * @property {string} [reason] participant-left, connection-close
 * @property {ChatMessage} [message] chat-message
 * @property {object} [connection] connection-open (as seen from meetingId's side)
 * @property {string} [connectionId] connection-close
 * @property {{meetingId: string, participantId?: string}} [endedBy] meeting-ended
 */

/**
 * @typedef {object} Problem RFC 9457 problem details as the bridge sends them.
 * @property {string} [type]
 * @property {string} title
 * @property {number} status
 * @property {string} [detail]
 * @property {string} [code] stable machine-readable code, e.g. `meeting-ended`
 * @property {{field: string, message: string}[]} [errors]
 */

/**
 * The error every promise of this client rejects with: an `Error` carrying the bridge's problem
 * details. Failures that never reached the bridge have `status` 0 and code `unreachable`.
 */
export class BridgeError extends Error {
  /** @param {Problem} problem */
  constructor(problem) {
    const title = problem.title || 'Error';
    super(problem.detail ? `${title}: ${problem.detail}` : title);
    this.name = 'BridgeError';
    /** @type {Problem} the problem details as received */
    this.problem = problem;
    /** @type {number} HTTP status (0 when the bridge was not reached) */
    this.status = problem.status ?? 0;
    /** @type {string|undefined} */
    this.code = problem.code;
    /** @type {string} */
    this.title = title;
    /** @type {string|undefined} */
    this.detail = problem.detail;
    /** @type {{field: string, message: string}[]|undefined} */
    this.errors = problem.errors;
  }
}

/** A problem for a STOMP ERROR frame, whose `message` header starts with a code (`forbidden: ...`). */
function stompProblem(message) {
  const text = message || 'STOMP error';
  const colon = text.indexOf(':');
  const code = colon > 0 ? text.slice(0, colon).trim() : text.trim();
  const detail = colon > 0 ? text.slice(colon + 1).trim() : undefined;
  const status = { unauthenticated: 401, forbidden: 403, 'unknown-destination': 404 }[code] ?? 0;
  return { title: 'STOMP ERROR', status, code, detail: detail ?? text };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** A minimal event emitter whose listeners cannot break the emitter. */
class Emitter {
  constructor() {
    /** @type {Map<string, Set<Function>>} */
    this.listeners = new Map();
  }

  on(type, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
  }

  off(type, listener) {
    const set = this.listeners.get(type);
    if (!set) return;
    if (listener === undefined) set.clear();
    else set.delete(listener);
    if (set.size === 0) this.listeners.delete(type);
  }

  count(type) {
    return this.listeners.get(type)?.size ?? 0;
  }

  emit(type, ...args) {
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }
}

function reportListenerError(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error('meeting-bridge: a listener threw', error);
}

const seg = (value) => encodeURIComponent(String(value));

/** Decodes a JWT's claims without verifying them (the bridge verifies; this is for display and defaults). */
export function decodeToken(token) {
  try {
    const payload = String(token).split('.')[1];
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// STOMP 1.2 framing over one WebSocket

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function escapeHeader(value) {
  return String(value).replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/:/g, '\\c');
}

function unescapeHeader(value) {
  return value.replace(/\\(.)/g, (_, c) => ({ r: '\r', n: '\n', c: ':', '\\': '\\' })[c] ?? c);
}

/**
 * Serialises a frame. CONNECT headers are not escaped (STOMP 1.2 says so).
 * @param {string} command
 * @param {Record<string, string|number>} headers
 * @param {string} [body]
 */
export function encodeFrame(command, headers = {}, body = '') {
  const escape = command === 'CONNECT' || command === 'STOMP' ? String : escapeHeader;
  let text = `${command}\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) text += `${escape(name)}:${escape(value)}\n`;
  }
  if (body) text += `content-length:${encoder.encode(body).length}\n`;
  return `${text}\n${body}\0`;
}

/**
 * Incremental frame parser: feed it WebSocket message data, get whole frames back. Heart-beats
 * (bare end-of-lines) are skipped. Honours `content-length` (in UTF-8 bytes) and otherwise reads
 * up to the NUL octet.
 */
export class FrameParser {
  constructor() {
    this.buffer = '';
  }

  /**
   * Parses whatever complete frames the data finishes; one WebSocket message may carry several
   * frames (the bridge sends what queued up for a session together) or part of one. Linear in
   * the data: the buffer is walked with a cursor and cut once per call.
   * @param {string} data
   * @returns {{command: string, headers: Record<string, string>, body: string}[]}
   */
  push(data) {
    const text = this.buffer + data;
    const frames = [];
    let at = 0;
    for (;;) {
      while (text[at] === '\n' || (text[at] === '\r' && text[at + 1] === '\n')) at += text[at] === '\r' ? 2 : 1;
      if (at >= text.length) break;
      const end = /\r?\n\r?\n/g;
      end.lastIndex = at;
      const match = end.exec(text);
      if (!match) break;
      const lines = text.slice(at, match.index).split(/\r?\n/);
      const command = lines.shift();
      const headers = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = unescapeHeader(line.slice(0, colon));
        if (!(name in headers)) headers[name] = unescapeHeader(line.slice(colon + 1)); // first wins (STOMP 1.2)
      }
      const bodyStart = match.index + match[0].length;
      let bodyEnd;
      if (headers['content-length'] !== undefined) {
        bodyEnd = charsSpanning(text, bodyStart, Number(headers['content-length']));
        if (bodyEnd < 0 || bodyEnd >= text.length) break; // the body and its NUL are not all here yet
      } else {
        bodyEnd = text.indexOf('\0', bodyStart);
        if (bodyEnd < 0) break;
      }
      frames.push({ command, headers, body: text.slice(bodyStart, bodyEnd) });
      at = bodyEnd + 1;
    }
    this.buffer = text.slice(at);
    return frames;
  }
}

/**
 * The index just past the characters of `text` from `start` that take `byteLength` bytes in
 * UTF-8, or -1 when the text ends before that.
 */
function charsSpanning(text, start, byteLength) {
  let bytes = 0;
  let i = start;
  while (bytes < byteLength) {
    if (i >= text.length) return -1;
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i += 1; // the low surrogate of the pair
    } else bytes += 3;
    i += 1;
  }
  return i;
}

/**
 * One STOMP session over one WebSocket: CONNECT, heart-beats, frames in and out. It does not
 * reconnect; {@link MeetingBridge} opens a new one when this one closes.
 */
class StompSession {
  /**
   * @param {object} options
   * @param {string} options.url ws:// or wss:// URL of the endpoint
   * @param {string} options.token bearer token for CONNECT
   * @param {Function} options.WebSocketImpl
   * @param {number} options.heartbeatMs
   * @param {(frame: object) => void} options.onFrame
   * @param {(reason: {code?: number, reason?: string, error?: Problem}) => void} options.onClose
   */
  constructor({ url, token, WebSocketImpl, heartbeatMs, onFrame, onClose }) {
    this.url = url;
    this.token = token;
    this.WebSocketImpl = WebSocketImpl;
    this.heartbeatMs = heartbeatMs;
    this.onFrame = onFrame;
    this.onClose = onClose;
    this.parser = new FrameParser();
    this.connected = false;
    this.closed = false;
    this.lastReceived = Date.now();
    this.timers = [];
    /** @type {Problem|undefined} the ERROR frame that ended this session, if one did */
    this.error = undefined;
  }

  /** Opens the socket and resolves with the CONNECTED frame, or rejects with a {@link BridgeError}. */
  open() {
    return new Promise((resolve, reject) => {
      let socket;
      try {
        socket = new this.WebSocketImpl(this.url, ['v12.stomp']);
      } catch (error) {
        reject(new BridgeError({ title: 'Cannot open the WebSocket', status: 0, code: 'unreachable', detail: String(error?.message ?? error) }));
        return;
      }
      this.socket = socket;
      if ('binaryType' in socket) socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        const hb = this.heartbeatMs;
        this.write(encodeFrame('CONNECT', {
          'accept-version': '1.2',
          host: new URL(this.url).hostname,
          'heart-beat': `${hb},${hb}`,
          Authorization: `Bearer ${this.token}`,
        }));
      };
      socket.onmessage = (message) => {
        this.lastReceived = Date.now();
        const data = typeof message.data === 'string' ? message.data : decoder.decode(message.data);
        for (const frame of this.parser.push(data)) {
          if (!this.connected) {
            if (frame.command === 'CONNECTED') {
              this.connected = true;
              this.startHeartbeats(frame.headers['heart-beat']);
              resolve(frame);
            } else if (frame.command === 'ERROR') {
              this.error = stompProblem(frame.headers.message);
              reject(new BridgeError(this.error));
              this.close();
            }
            continue;
          }
          if (frame.command === 'ERROR') this.error = stompProblem(frame.headers.message);
          this.onFrame(frame);
        }
      };
      socket.onerror = () => {
        // A close event follows; it carries what there is to know.
      };
      socket.onclose = (event) => {
        const wasConnected = this.connected;
        this.finish();
        if (!wasConnected) {
          reject(new BridgeError(this.error ?? {
            title: 'Cannot connect to the bridge', status: 0, code: 'unreachable',
            detail: `WebSocket ${this.url} closed (${event?.code ?? 'no code'})`,
          }));
        } else {
          this.onClose({ code: event?.code, reason: event?.reason, error: this.error });
        }
      };
    });
  }

  /** STOMP 1.2 heart-beat negotiation: send at max(ours, theirs wanted); expect at max(theirs, ours wanted). */
  startHeartbeats(header = '0,0') {
    const [serverSends, serverWants] = header.split(',').map((n) => Number(n) || 0);
    const outgoing = this.heartbeatMs && serverWants ? Math.max(this.heartbeatMs, serverWants) : 0;
    const incoming = this.heartbeatMs && serverSends ? Math.max(this.heartbeatMs, serverSends) : 0;
    if (outgoing) this.timers.push(setInterval(() => this.write('\n'), outgoing));
    if (incoming) {
      this.timers.push(setInterval(() => {
        if (Date.now() - this.lastReceived > incoming * 2.5) {
          this.error = { title: 'Heart-beats missed', status: 0, code: 'unreachable', detail: 'the bridge went silent' };
          this.close();
        }
      }, Math.max(1000, Math.floor(incoming / 2))));
    }
    for (const timer of this.timers) timer.unref?.();
  }

  write(text) {
    if (this.closed || !this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(text);
    return true;
  }

  send(command, headers, body) {
    return this.write(encodeFrame(command, headers, body));
  }

  finish() {
    this.closed = true;
    this.connected = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Closes the socket; `onClose` runs when it has closed. */
  close() {
    if (this.socket && this.socket.readyState < 2) {
      try {
        this.socket.close();
      } catch {
        // already closing
      }
    }
  }

  /** Sends DISCONNECT and closes without reporting the close. */
  disconnect() {
    this.onClose = () => {};
    if (this.connected) this.send('DISCONNECT', {});
    this.finish();
    this.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The bridge

/**
 * @typedef {object} ConnectOptions
 * @property {string} [url] the bridge's base URL, `http(s)://host:port` (default: the page's origin);
 *   a `ws(s)://host:port/ws` URL is accepted too
 * @property {string} token a JWT (participant or server token)
 * @property {string} [actAs] with a server token: the participant to act as (joins, leaves, chat)
 * @property {Function} [webSocketImpl] a WebSocket class (default `globalThis.WebSocket`), e.g. `ws`'s in Node
 * @property {typeof fetch} [fetchImpl] default `globalThis.fetch`
 * @property {number} [heartbeatMs] STOMP heart-beat offered, default 10000
 * @property {number} [reconnectDelayMs] first reconnect delay, default 500, doubling up to `maxReconnectDelayMs`
 * @property {number} [maxReconnectDelayMs] default 10000
 */

/**
 * A client of one bridge for one token: REST calls, one STOMP session that reconnects by itself,
 * and the meetings it follows. Events on the bridge itself (`on(type, listener)`):
 * - `state` `(state)`: `connected`, `reconnecting`, `closed`
 * - `error` `(problem)`: a refused SEND answered on `/user/queue/errors`, a STOMP ERROR frame, or
 *   a background failure (re-subscribing after a reconnect); never thrown at you
 * - `reconnected` `()`: after a reconnect, once every followed meeting has caught up
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
  constructor(options = {}) {
    const { url, token, actAs, webSocketImpl, fetchImpl, heartbeatMs = 10000,
      reconnectDelayMs = 500, maxReconnectDelayMs = 10000 } = options;
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
    this.WebSocketImpl = webSocketImpl ?? globalThis.WebSocket;
    if (!this.WebSocketImpl) throw new TypeError('No WebSocket here: pass webSocketImpl (e.g. the ws package)');
    this.fetch = fetchImpl ?? globalThis.fetch?.bind(globalThis);
    if (!this.fetch) throw new TypeError('No fetch here: pass fetchImpl');
    this.heartbeatMs = heartbeatMs;
    this.reconnectDelayMs = reconnectDelayMs;
    this.maxReconnectDelayMs = maxReconnectDelayMs;
    /** @type {'connecting'|'connected'|'reconnecting'|'closed'} */
    this.state = 'connecting';
    this.claims = decodeToken(token);
    this.actAs = actAs;
    this.emitter = new Emitter();
    /** @type {StompSession|undefined} */
    this.session = undefined;
    /** Increments with every STOMP session, so work for a dead one can tell. */
    this.generation = 0;
    this.nextId = 1;
    /** @type {Map<string, {destination: string, onMessage: (event: BridgeEvent) => void}>} */
    this.subscriptions = new Map();
    /** @type {Map<string, {resolve: Function, reject: Function}>} */
    this.receipts = new Map();
    /** @type {Map<string, MeetingFeed>} */
    this.feeds = new Map();
    /** @type {Map<string, Meeting>} */
    this.meetings = new Map();
    /** Meetings the acting participant joined bound to the session: meeting id to display name. */
    this.bound = new Map();
    this.reconnectTimer = undefined;
  }

  /**
   * Who the token says it is (decoded, not verified).
   * @returns {{sub?: string, isServer: boolean, participantId?: string, permissions: string[], roomId?: string, exp?: number}}
   */
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

  /** Listens to the bridge's own events: `state`, `error`, `reconnected`. */
  on(type, listener) {
    this.emitter.on(type, listener);
  }

  off(type, listener) {
    this.emitter.off(type, listener);
  }

  /** Opens the first STOMP session. {@link MeetingBridge.connect} calls it. */
  async open() {
    await this.startSession();
    this.setState('connected');
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emitter.emit('state', state);
  }

  async startSession() {
    const session = new StompSession({
      url: this.wsUrl,
      token: this.token,
      WebSocketImpl: this.WebSocketImpl,
      heartbeatMs: this.heartbeatMs,
      onFrame: (frame) => this.onFrame(session, frame),
      onClose: (info) => this.onSessionClosed(session, info),
    });
    await session.open();
    if (this.state === 'closed') {
      session.disconnect();
      throw new BridgeError({ title: 'Closed', status: 0, code: 'closed', detail: 'the bridge client was closed' });
    }
    this.session = session;
    this.generation += 1;
    session.send('SUBSCRIBE', { id: 'errors', destination: '/user/queue/errors' });
  }

  onFrame(session, frame) {
    if (session !== this.session) return;
    switch (frame.command) {
      case 'MESSAGE': {
        const id = frame.headers.subscription;
        if (id === 'errors') {
          this.emitter.emit('error', parseJson(frame.body) ?? { title: 'Refused', detail: frame.body });
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
        const problem = stompProblem(frame.headers.message);
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

  onSessionClosed(session, info) {
    if (session !== this.session) return;
    this.session = undefined;
    this.subscriptions.clear();
    const lost = new BridgeError({ title: 'Disconnected', status: 0, code: 'disconnected', detail: 'the STOMP session closed' });
    for (const pending of this.receipts.values()) pending.reject(lost);
    this.receipts.clear();
    for (const feed of this.feeds.values()) feed.onDisconnected();
    if (this.state === 'closed') return;
    if (info.error?.code === 'unauthenticated') {
      this.emitter.emit('error', info.error);
      this.setState('closed');
      return;
    }
    this.setState('reconnecting');
    this.scheduleReconnect(this.reconnectDelayMs);
  }

  scheduleReconnect(delay) {
    clearTimeout(this.reconnectTimer);
    const jittered = delay / 2 + Math.random() * (delay / 2);
    this.reconnectTimer = setTimeout(async () => {
      if (this.state === 'closed') return;
      try {
        await this.startSession();
      } catch (error) {
        if (error?.code === 'unauthenticated') {
          this.emitter.emit('error', error.problem);
          this.setState('closed');
        } else if (this.state !== 'closed') {
          this.scheduleReconnect(Math.min(delay * 2, this.maxReconnectDelayMs));
        }
        return;
      }
      this.setState('connected');
      await this.catchUp();
    }, jittered);
  }

  /** After a reconnect: re-bind session-bound participants, then let every followed meeting catch up. */
  async catchUp() {
    const generation = this.generation;
    for (const [meetingId, displayName] of this.bound) {
      try {
        await this.request('POST', `/api/meetings/${seg(meetingId)}/participants`, { displayName });
        this.sendFrame(`/app/meetings/${seg(meetingId)}/join`, { displayName });
      } catch (error) {
        this.bound.delete(meetingId);
        this.emitter.emit('error', error.problem ?? { title: 'Re-join failed', detail: String(error) });
      }
    }
    await Promise.all([...this.feeds.values()].map((feed) => feed.resume(generation)));
    if (generation === this.generation && this.state === 'connected') this.emitter.emit('reconnected');
  }

  /** Replaces the token (for example before it expires); used by the next CONNECT and every REST call. */
  setToken(token) {
    this.token = token;
    this.claims = decodeToken(token);
  }

  /** Ends the session and stops reconnecting. Followed meetings stop updating. */
  close() {
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    for (const feed of this.feeds.values()) feed.onDisconnected();
    this.session?.disconnect();
    this.session = undefined;
  }

  /**
   * One REST call. Resolves with the parsed JSON body (`null` for 204), rejects with a
   * {@link BridgeError} carrying the problem details.
   * @param {string} method
   * @param {string} path e.g. `/api/meetings/mars`
   * @param {object} [body]
   */
  async request(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token}`, Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await this.fetch(this.url + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new BridgeError({ title: 'Bridge unreachable', status: 0, code: 'unreachable', detail: String(error?.message ?? error) });
    }
    if (response.status === 204) return null;
    const text = await response.text();
    const json = text ? parseJson(text) : null;
    if (!response.ok) {
      throw new BridgeError(json && typeof json === 'object'
        ? { status: response.status, ...json }
        : { title: response.statusText || `HTTP ${response.status}`, status: response.status, detail: text || undefined });
    }
    return json;
  }

  /**
   * Creates a meeting (server tokens, or participant tokens with `allow_mod`).
   * @param {{meetingId?: string}} [options] an id, or none for a generated one
   * @returns {Promise<object>} the Meeting as the bridge returns it
   */
  createMeeting({ meetingId } = {}) {
    return this.request('POST', '/api/meetings', meetingId ? { meetingId } : {});
  }

  /**
   * Lists meetings, newest first (server tokens only).
   * @param {{status?: 'active'|'ended', cursor?: string, limit?: number}} [query]
   * @returns {Promise<{meetings: object[], nextCursor?: string}>}
   */
  listMeetings({ status, cursor, limit } = {}) {
    const query = new URLSearchParams();
    if (status) query.set('status', status);
    if (cursor) query.set('cursor', cursor);
    if (limit) query.set('limit', String(limit));
    const text = query.toString();
    return this.request('GET', `/api/meetings${text ? `?${text}` : ''}`);
  }

  /** Ends a meeting by id (member with `allow_mod`, or a server token). */
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
   * @param {{join?: {displayName: string, participantId?: string, bindToSession?: boolean}}} [options]
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

  // ----- internal plumbing shared by the meeting objects -----

  /** @returns {MeetingFeed} the feed of a meeting, made on first use */
  feed(meetingId) {
    let feed = this.feeds.get(meetingId);
    if (!feed) {
      feed = new MeetingFeed(this, meetingId);
      this.feeds.set(meetingId, feed);
    }
    return feed;
  }

  /** Resolves when a STOMP session is up (at once, or after the reconnect under way); rejects once closed. */
  whenConnected() {
    if (this.session) return Promise.resolve(this.session);
    if (this.state === 'closed') {
      return Promise.reject(new BridgeError({ title: 'Closed', status: 0, code: 'closed', detail: 'the bridge client was closed' }));
    }
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (this.session) {
          this.off('state', listener);
          resolve(this.session);
        } else if (this.state === 'closed') {
          this.off('state', listener);
          reject(new BridgeError({ title: 'Closed', status: 0, code: 'closed', detail: 'the bridge client was closed' }));
        }
      };
      this.on('state', listener);
    });
  }

  /** SUBSCRIBE with a receipt; resolves with the subscription id once it is live. */
  async subscribe(destination, onMessage) {
    const session = await this.whenConnected();
    const id = `sub-${this.nextId++}`;
    const receipt = `r-${this.nextId++}`;
    this.subscriptions.set(id, { destination, onMessage });
    const confirmed = new Promise((resolve, reject) => this.receipts.set(receipt, { resolve, reject }));
    session.send('SUBSCRIBE', { id, destination, ack: 'auto', receipt });
    return confirmed.then(() => id, (error) => {
      this.subscriptions.delete(id);
      throw error;
    });
  }

  unsubscribe(id) {
    if (!this.subscriptions.delete(id)) return;
    this.session?.send('UNSUBSCRIBE', { id });
  }

  sendFrame(destination, body) {
    this.session?.send('SEND', { destination, 'content-type': 'application/json' }, JSON.stringify(body));
  }
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Following one meeting: subscriptions, sequence, participants

/**
 * Everything the client knows of one meeting, shared by every object that shows it (your own
 * {@link Meeting}, or the {@link ConnectionMeeting} of a connection): its topics, the last applied
 * sequence, the participants, and the listeners. Internal.
 */
class MeetingFeed {
  constructor(bridge, id) {
    this.bridge = bridge;
    this.id = id;
    /** @type {Map<string, Participant>} */
    this.participants = new Map();
    this.status = undefined;
    this.createdAt = undefined;
    this.endedAt = undefined;
    /** The sequence of the last event applied. */
    this.sequence = 0;
    this.emitter = new Emitter();
    /** Objects that show this feed; each says which topics it needs and may hook events. */
    this.views = new Set();
    /** @type {Map<string, string>} event type to live subscription id */
    this.topics = new Map();
    /** @type {Map<string, Promise<void>>} subscriptions being made */
    this.pendingTopics = new Map();
    /** Live events held back while the feed catches up from a snapshot or the history. */
    this.held = null;
    this.attached = false;
    /** @type {Promise<void>|undefined} */
    this.attaching = undefined;
  }

  /** The topics this feed should be subscribed to now. */
  wantedTypes() {
    const wanted = new Set();
    for (const view of this.views) for (const type of view.requiredTypes()) wanted.add(type);
    for (const type of EVENT_TYPES) if (this.emitter.count(type) > 0) wanted.add(type);
    return wanted;
  }

  addView(view) {
    this.views.add(view);
  }

  removeView(view) {
    if (!this.views.delete(view)) return;
    if (this.views.size === 0) this.detach();
    else this.syncTopics();
  }

  /**
   * Loads the meeting and subscribes, so that `participants` is right as of `sequence` and every
   * later event is applied once, in order. Rejects with the problem if the caller may not read it.
   */
  attach() {
    if (this.attached) return this.syncTopics();
    this.attaching ??= this.load(this.bridge.generation).finally(() => {
      this.attaching = undefined;
    });
    return this.attaching;
  }

  /**
   * Snapshot and subscriptions, in the order that loses nothing: check access (a refused SUBSCRIBE
   * would close the whole STOMP session), subscribe and hold live events, read `latestSequence` L,
   * read the meeting, then apply the held events after L. Participants are keyed state, so
   * re-applying events between L and the snapshot leaves them right.
   */
  async load(generation) {
    const path = `/api/meetings/${seg(this.id)}`;
    const first = await this.bridge.request('GET', path);
    if (first.status === 'ended') {
      // Nothing more will happen: no subscriptions, just the state and where the history ends.
      const { latestSequence } = await this.bridge.request('GET', `${path}/events?after=0&limit=1`);
      await this.onSnapshot(first);
      this.applySnapshot(first, latestSequence);
      this.attached = true;
      return;
    }
    this.held = [];
    try {
      await this.subscribeAll();
      const { latestSequence } = await this.bridge.request('GET', `${path}/events?after=0&limit=1`);
      const snapshot = await this.bridge.request('GET', path);
      await this.onSnapshot(snapshot);
      this.applySnapshot(snapshot, latestSequence);
      this.attached = true;
      this.releaseHeld();
      // The session changed while loading (its catch-up skipped this feed): catch up now.
      if (generation !== this.bridge.generation) this.resume(this.bridge.generation);
    } catch (error) {
      this.held = null;
      this.unsubscribeAll();
      throw error;
    }
  }

  applySnapshot(meeting, sequence) {
    this.status = meeting.status;
    this.createdAt = meeting.createdAt;
    this.endedAt = meeting.endedAt;
    this.participants.clear();
    for (const [id, participant] of Object.entries(meeting.participants ?? {})) this.participants.set(id, participant);
    this.sequence = sequence;
  }

  /** Lets views that track more than participants (a {@link Meeting}'s connections) load their part. */
  async onSnapshot(snapshot) {
    for (const view of this.views) await view.onSnapshot?.(snapshot);
  }

  async subscribeAll() {
    await Promise.all([...this.wantedTypes()].map((type) => this.subscribeType(type)));
  }

  subscribeType(type) {
    if (this.topics.has(type)) return Promise.resolve();
    if (this.pendingTopics.has(type)) return this.pendingTopics.get(type);
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

  /** Subscribes to newly wanted topics and unsubscribes from those nobody needs any more. */
  async syncTopics() {
    if (!this.attached || this.status === 'ended' || !this.bridge.session) return;
    const wanted = this.wantedTypes();
    for (const [type, id] of this.topics) {
      if (!wanted.has(type)) {
        this.topics.delete(type);
        this.bridge.unsubscribe(id);
      }
    }
    try {
      await Promise.all([...wanted].map((type) => this.subscribeType(type)));
    } catch (error) {
      this.bridge.emitter.emit('error', error.problem ?? { title: 'Subscribe failed', detail: String(error) });
    }
  }

  onDisconnected() {
    this.topics.clear();
    this.pendingTopics.clear();
  }

  /** Stops following live (after the caller's authority ended); `attach()` starts again from a snapshot. */
  suspend() {
    this.unsubscribeAll();
    this.attached = false;
    this.held = null;
  }

  /** Stops following: unsubscribes and forgets listeners. */
  detach() {
    this.unsubscribeAll();
    this.attached = false;
    this.held = null;
    if (this.bridge.feeds.get(this.id) === this) this.bridge.feeds.delete(this.id);
  }

  /**
   * After a reconnect: check access again, re-subscribe holding live events, fill the gap from the
   * history (or reload when the history no longer reaches back), then apply what was held.
   */
  async resume(generation) {
    if (!this.attached || this.status === 'ended') return;
    try {
      await this.bridge.request('GET', `/api/meetings/${seg(this.id)}/events?after=${this.sequence}&limit=1`);
    } catch (error) {
      if (error.status === 403 || error.status === 404) {
        this.lost(error);
        return;
      }
      this.bridge.emitter.emit('error', error.problem);
      return;
    }
    this.held = [];
    try {
      await this.subscribeAll();
      await this.fillFrom(this.sequence, { emit: true, generation });
      this.releaseHeld();
      this.emitSync();
    } catch (error) {
      this.held = null;
      if (generation !== this.bridge.generation) return; // another reconnect will try again
      if (error.status === 403 || error.status === 404) this.lost(error);
      else this.bridge.emitter.emit('error', error.problem ?? { title: 'Catch-up failed', detail: String(error) });
    }
  }

  /** Applies the history after `after`, page by page; reloads the meeting when the history has a hole. */
  async fillFrom(after, { emit, generation }) {
    const path = `/api/meetings/${seg(this.id)}`;
    let cursor = after;
    for (;;) {
      const page = await this.bridge.request('GET', `${path}/events?after=${cursor}&limit=${HISTORY_PAGE}`);
      const events = page.events ?? [];
      if (events.length && events[0].sequence > cursor + 1) {
        // Older events were trimmed from the history: start again from a fresh snapshot.
        const snapshot = await this.bridge.request('GET', path);
        await this.onSnapshot(snapshot);
        this.applySnapshot(snapshot, page.latestSequence);
        return;
      }
      for (const event of events) this.accept(event, emit);
      if (events.length < HISTORY_PAGE) return;
      cursor = events[events.length - 1].sequence;
      if (generation !== this.bridge.generation) return;
    }
  }

  lost(error) {
    this.unsubscribeAll();
    this.attached = false;
    for (const view of this.views) view.onLost?.(error);
  }

  releaseHeld() {
    const held = this.held ?? [];
    this.held = null;
    held.sort((a, b) => a.sequence - b.sequence);
    for (const event of held) this.accept(event, true);
  }

  emitSync() {
    this.emitter.emit('*', { type: 'sync', meetingId: this.id, sequence: this.sequence });
  }

  onLive(event) {
    if (this.held) this.held.push(event);
    else this.accept(event, true);
  }

  /** Applies an event once (by sequence), lets the views react, then calls the listeners. */
  accept(event, emit) {
    if (typeof event.sequence !== 'number' || event.sequence <= this.sequence) return;
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
        break;
      default:
    }
    let detail = event.participant ?? event.message ?? event;
    for (const view of this.views) {
      const replaced = view.onEvent?.(event);
      if (replaced !== undefined) detail = replaced;
    }
    if (event.type === 'meeting-ended') {
      // Nothing follows meeting-ended; let the bridge forget the subscriptions.
      queueMicrotask(() => this.unsubscribeAll());
    }
    if (!emit) return;
    this.emitter.emit(event.type, detail, event);
    this.emitter.emit('*', event);
  }
}

// ---------------------------------------------------------------------------------------------
// What applications see

/**
 * Shared by {@link Meeting} and {@link ConnectionMeeting}: `id`, `participants`, `on`/`off`.
 */
class MeetingView {
  constructor(bridge, id) {
    /** @type {MeetingBridge} */
    this.bridge = bridge;
    /** @type {string} */
    this.id = id;
    /** @type {MeetingFeed} */
    this.feed = bridge.feed(id);
    this.feed.addView(this);
    /** Listeners added through this object, removed again by `dispose()`. */
    this.own = [];
  }

  /** @returns {Map<string, Participant>} the participants, kept live from the meeting's events */
  get participants() {
    return this.feed.participants;
  }

  /** @returns {'active'|'ended'|undefined} */
  get status() {
    return this.feed.status;
  }

  /** The sequence of the last event applied. */
  get sequence() {
    return this.feed.sequence;
  }

  requiredTypes() {
    return [];
  }

  /**
   * Listens to an event of this meeting. For one of {@link EVENT_TYPES} this SUBSCRIBEs to the
   * meeting's topic of that type (if not already subscribed). The listener gets the event's
   * subject (the participant for `participant-*`, the ChatMessage for `chat-message`, the
   * {@link Connection} for `connection-open`, else the event) and the whole event. `'*'` listens
   * to every event the client applies, in sequence order, plus `{type: 'sync'}` after a catch-up.
   * @param {string} eventType
   * @param {(detail: any, event: BridgeEvent) => void} listener
   */
  on(eventType, listener) {
    this.feed.emitter.on(eventType, listener);
    this.own.push([eventType, listener]);
    if (EVENT_TYPES.includes(eventType)) this.feed.syncTopics();
  }

  /**
   * Stops listening; UNSUBSCRIBEs once nothing needs the topic any more.
   * @param {string} eventType
   * @param {Function} listener
   */
  off(eventType, listener) {
    this.feed.emitter.off(eventType, listener);
    this.own = this.own.filter(([type, l]) => !(type === eventType && l === listener));
    if (EVENT_TYPES.includes(eventType)) this.feed.syncTopics();
  }

  /** Stops following this meeting through this object. */
  dispose() {
    for (const [type, listener] of this.own) this.feed.emitter.off(type, listener);
    this.own = [];
    this.feed.removeView(this);
  }
}

/**
 * A meeting the caller is in (or, with a server token, watches): `participants`, `connections`,
 * `on`/`off` for its events, and the calls a participant makes.
 */
export class Meeting extends MeetingView {
  constructor(bridge, id) {
    super(bridge, id);
    /** @type {Map<string, Connection>} open connections of this meeting, kept live */
    this.connections = new Map();
    /** @type {Map<string, Connection>} connections that closed while followed, with `closeReason` */
    this.closedConnections = new Map();
  }

  requiredTypes() {
    return OWN_MEETING_TYPES;
  }

  /** Whether the client currently follows the meeting live. */
  get attached() {
    return this.feed.attached;
  }

  /** When the meeting was created and ended (ISO-8601), as far as known. */
  get createdAt() {
    return this.feed.createdAt;
  }

  get endedAt() {
    return this.feed.endedAt;
  }

  async attach() {
    if (!this.feed.views.has(this)) this.feed.addView(this);
    if (this.feed.attached && !this.loaded) {
      // The feed was already followed for a connection to this meeting: load the connections too.
      await this.onSnapshot(await this.bridge.request('GET', `/api/meetings/${seg(this.id)}`));
    }
    await this.feed.attach();
  }

  /** Loads the open connections with a snapshot. */
  async onSnapshot(snapshot) {
    this.loaded = true;
    const wanted = new Set(snapshot.connections ?? []);
    for (const [id, connection] of this.connections) {
      if (!wanted.has(id)) this.dropConnection(id, 'closed');
    }
    if (wanted.size === 0 || snapshot.status === 'ended') return;
    const { connections } = await this.bridge.request('GET', `/api/meetings/${seg(this.id)}/connections`);
    for (const json of connections) if (!this.connections.has(json.id)) this.addConnection(json);
  }

  onEvent(event) {
    if (event.type === 'connection-open') return this.addConnection(event.connection);
    if (event.type === 'connection-close') this.dropConnection(event.connectionId, event.reason);
    if (event.type === 'meeting-ended') {
      for (const id of [...this.connections.keys()]) this.dropConnection(id, 'meeting-ended');
    }
    const { isServer, participantId } = this.bridge.identity;
    if (event.type === 'participant-left' && event.reason !== 'meeting-ended' && !isServer
        && event.participant.id === participantId) {
      // That was our own authority to follow the meeting: the bridge sends nothing more.
      // (When the meeting ends, the cascade still arrives up to meeting-ended.)
      queueMicrotask(() => this.stopFollowing(event.reason));
    }
    return undefined;
  }

  stopFollowing(reason) {
    if (this.feed.status === 'ended') return;
    this.feed.suspend();
    this.bridge.bound.delete(this.id);
    for (const id of [...this.connections.keys()]) this.dropConnection(id, reason);
  }

  onLost(error) {
    for (const id of [...this.connections.keys()]) this.dropConnection(id, 'lost');
    this.lostBecause = error;
  }

  addConnection(json) {
    const existing = this.connections.get(json.id);
    if (existing) return existing;
    const connection = new Connection(this, json);
    this.connections.set(connection.id, connection);
    connection.ready.catch((error) => {
      if (!connection.closed) this.bridge.emitter.emit('error', error.problem ?? { title: 'Connection', detail: String(error) });
    });
    return connection;
  }

  dropConnection(id, reason) {
    const connection = this.connections.get(id);
    if (!connection) return;
    this.connections.delete(id);
    this.closedConnections.set(id, connection);
    connection.markClosed(reason);
  }

  /** The participant this client acts as: the token's `sub`, or `actAs` with a server token. */
  actingParticipant(participantId) {
    return participantId ?? this.bridge.identity.participantId;
  }

  /**
   * Joins the meeting as the acting participant and starts following it.
   * @param {{displayName: string, participantId?: string, bindToSession?: boolean}} options
   *   `participantId` only with a server token (default: `actAs`); `bindToSession` (participant
   *   tokens) makes the bridge remove the participant when this client stays away longer than
   *   the presence grace, and re-binds it after each reconnect
   * @returns {Promise<Participant>}
   */
  async join({ displayName, participantId, bindToSession = false }) {
    const body = { displayName };
    const identity = this.bridge.identity;
    if (identity.isServer) body.participantId = this.actingParticipant(participantId);
    const participant = await this.bridge.request('POST', `/api/meetings/${seg(this.id)}/participants`, body);
    if (bindToSession && !identity.isServer) {
      this.bridge.sendFrame(`/app/meetings/${seg(this.id)}/join`, { displayName });
      this.bridge.bound.set(this.id, displayName);
    }
    await this.attach();
    return participant;
  }

  /**
   * Leaves the meeting (or, with `allow_mod`, removes someone else). After the acting
   * participant leaves, a participant token may no longer read the meeting and the client stops
   * following it; `join()` follows it again.
   * @param {{participantId?: string}} [options]
   */
  async leave({ participantId } = {}) {
    const who = this.actingParticipant(participantId);
    if (!who) throw new BridgeError({ title: 'Who leaves?', status: 400, code: 'validation-failed', detail: 'name the participant (actAs with a server token)' });
    await this.bridge.request('DELETE', `/api/meetings/${seg(this.id)}/participants/${seg(who)}`);
    if (who === this.bridge.identity.participantId) {
      this.bridge.bound.delete(this.id);
      if (!this.bridge.identity.isServer) {
        // Our own participant-left is the last event we get; wait for it briefly, then let go.
        const left = await this.waitFor((event) => event.type === 'participant-left' && event.participant.id === who, 2000);
        if (!left) this.stopFollowing('left');
      }
    }
  }

  /** Ends the meeting: everyone leaves, its connections close. Needs `allow_mod` (or a server token). */
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
    const body = { meetingId };
    if (payload !== undefined) body.payload = payload;
    const json = await this.bridge.request('POST', `/api/meetings/${seg(this.id)}/connections`, body);
    const connection = this.connections.get(json.id) ?? (this.attached ? this.addConnection(json) : new Connection(this, json));
    await connection.ready;
    return connection;
  }

  /**
   * Reads the event history, oldest first.
   * @param {{after?: number, limit?: number}} [query]
   * @returns {Promise<{events: BridgeEvent[], latestSequence: number}>}
   */
  history({ after = 0, limit = 100 } = {}) {
    return this.bridge.request('GET', `/api/meetings/${seg(this.id)}/events?after=${after}&limit=${limit}`);
  }

  /** Resolves with the first applied event that matches, or `undefined` after `timeoutMs`. */
  waitFor(predicate, timeoutMs) {
    return new Promise((resolve) => {
      const listener = (event) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        this.feed.emitter.off('*', listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.feed.emitter.off('*', listener);
        resolve(undefined);
      }, timeoutMs);
      this.feed.emitter.on('*', listener);
    });
  }

  dispose() {
    for (const connection of this.connections.values()) connection.meeting.dispose();
    this.bridge.meetings.delete(this.id);
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
   * @param {object} json the Connection as the bridge sends it (seen from `owner`'s side)
   */
  constructor(owner, json) {
    this.owner = owner;
    /** @type {string} */
    this.id = json.id;
    /** @type {string} */
    this.payload = json.payload ?? '';
    /** @type {string} */
    this.createdAt = json.createdAt;
    /** @type {string} the caller's meeting */
    this.meetingId = owner.id;
    /** @type {ConnectionMeeting} the meeting at the other end */
    this.meeting = new ConnectionMeeting(this, json.meeting);
    this.closed = false;
    /** @type {string|undefined} `closed`, `meeting-ended`, ... once closed */
    this.closeReason = undefined;
    /** Resolves once `meeting.participants` is loaded and followed live. */
    this.ready = this.meeting.feed.attach();
    this.ready.catch(() => {});
  }

  /** Closes the connection (needs `allow_mod`); both meetings get `connection-close`. */
  close() {
    return this.owner.bridge.request('DELETE', `/api/meetings/${seg(this.meetingId)}/connections/${seg(this.id)}`);
  }

  markClosed(reason) {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    // Keep the other side subscribed a moment so the rest of an ending cascade still arrives.
    const linger = setTimeout(() => this.meeting.dispose(), CLOSED_CONNECTION_LINGER_MS);
    linger.unref?.();
  }
}

/**
 * The meeting at the other end of a connection, as VideoSDK's `ConnectionMeeting`: `id`,
 * `participants` (kept live), `sendChatMessage()`, `on`/`off` and `end()`.
 */
export class ConnectionMeeting extends MeetingView {
  /**
   * @param {Connection} connection
   * @param {{id: string, participants?: Record<string, Participant>}} json
   */
  constructor(connection, json) {
    super(connection.owner.bridge, json.id);
    this.connection = connection;
    if (!this.feed.attached && this.feed.participants.size === 0) {
      // Shown at once; replaced by the consistent snapshot when the feed has attached.
      for (const [id, participant] of Object.entries(json.participants ?? {})) this.feed.participants.set(id, participant);
    }
  }

  requiredTypes() {
    return this.connection.closed ? [] : CONNECTED_MEETING_TYPES;
  }

  /**
   * Sends a chat message over the connection: it reaches the participants of this (the other)
   * meeting as its `chat-message` event.
   * @param {string} message
   * @returns {Promise<ChatMessage>}
   */
  sendChatMessage(message) {
    const body = { message };
    const { isServer, participantId } = this.bridge.identity;
    if (isServer && participantId) body.senderId = participantId;
    const { meetingId, id } = this.connection;
    return this.bridge.request('POST', `/api/meetings/${seg(meetingId)}/connections/${seg(id)}/chat-messages`, body);
  }

  /**
   * Ends this meeting over the connection (needs `allow_mod`): every participant of it leaves.
   * @returns {Promise<object>} the ended Meeting
   */
  end() {
    const { meetingId, id } = this.connection;
    return this.bridge.request('POST', `/api/meetings/${seg(meetingId)}/connections/${seg(id)}/end`);
  }

  onLost() {
    // Access through the connection ended while away; the owner's catch-up reports the close.
  }
}

export default MeetingBridge;
