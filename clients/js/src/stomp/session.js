import { BridgeError, localError, stompProblem } from '../errors.js';
import { FrameParser, encodeFrame } from './frames.js';

/** @typedef {import('../types.js').Problem} Problem */
/** @typedef {import('./frames.js').Frame} Frame */

/**
 * The part of the WebSocket API this client uses: the browser's, Node 22's, or the `ws` package's.
 * @typedef {object} WebSocketLike
 * @property {number} readyState
 * @property {string} [binaryType]
 * @property {(data: string) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {((event: any) => void) | null} onopen
 * @property {((event: {data: any}) => void) | null} onmessage
 * @property {((event: any) => void) | null} onerror
 * @property {((event: {code?: number, reason?: string}) => void) | null} onclose
 */

/** @typedef {new (url: string, protocols?: string | string[]) => WebSocketLike} WebSocketClass */

/**
 * How a session ended.
 * @typedef {object} SessionEnd
 * @property {number} [code] the WebSocket close code (4000: the bridge asks for a resync)
 * @property {string} [reason]
 * @property {Problem} [error] the ERROR frame or the silence that ended it
 */

const decoder = new TextDecoder();

/** The WebSocket close code with which the bridge says: reconnect and reload, the history cannot fill your gap. */
export const RESYNC_CLOSE_CODE = 4000;

/**
 * One STOMP session over one WebSocket: CONNECT, heart-beats, frames in and out. It does not
 * reconnect; the bridge client opens a new one when this one closes.
 */
export class StompSession {
  /**
   * @param {object} options
   * @param {string} options.url ws:// or wss:// URL of the endpoint
   * @param {string} options.token bearer token for CONNECT
   * @param {WebSocketClass} options.WebSocketImpl
   * @param {number} options.heartbeatMs heart-beat offered both ways (0: none)
   * @param {(frame: Frame) => void} options.onFrame
   * @param {(end: SessionEnd) => void} options.onClose
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
    /** @type {ReturnType<typeof setInterval>[]} */
    this.timers = [];
    /** @type {WebSocketLike | undefined} */
    this.socket = undefined;
    /** @type {Problem | undefined} the ERROR frame that ended this session, if one did */
    this.error = undefined;
  }

  /**
   * Opens the socket and resolves with the CONNECTED frame, or rejects with a {@link BridgeError}.
   * @returns {Promise<Frame>}
   */
  open() {
    return new Promise((resolve, reject) => {
      /** @type {WebSocketLike} */
      let socket;
      try {
        socket = new this.WebSocketImpl(this.url, ['v12.stomp']);
      } catch (error) {
        reject(localError('Cannot open the WebSocket', String(/** @type {Error} */ (error)?.message ?? error)));
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
              this.error = stompProblem(frame.headers.message, frame.body);
              reject(new BridgeError(this.error));
              this.close();
            }
            continue;
          }
          if (frame.command === 'ERROR') this.error = stompProblem(frame.headers.message, frame.body);
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

  /**
   * STOMP 1.2 heart-beat negotiation: send at max(ours, theirs wanted); expect at max(theirs, ours wanted).
   * @param {string} [header] the CONNECTED frame's `heart-beat`
   */
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
    for (const timer of this.timers) /** @type {{unref?: () => void}} */ (timer).unref?.();
  }

  /** @param {string} text */
  write(text) {
    if (this.closed || !this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(text);
    return true;
  }

  /**
   * @param {string} command
   * @param {Record<string, string | number | undefined>} headers
   * @param {string} [body]
   */
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
