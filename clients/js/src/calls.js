import { identityOf, settingsOf } from './options.js';
import { Rest, seg } from './rest.js';
import { decodeToken } from './token.js';

/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').MeetingSummary} MeetingSummary */
/** @typedef {import('./types.js').Problem} Problem */
/** @typedef {import('./types.js').WebhookEndpointStatus} WebhookEndpointStatus */
/** @typedef {import('./options.js').ConnectOptions} ConnectOptions */
/** @typedef {import('./options.js').Identity} Identity */
/** @typedef {import('./errors.js').BridgeError} BridgeError */

/**
 * The bridge's REST API for one token: the calls, the token they carry, who it says the caller
 * is, and the settings the client was made with. {@link MeetingBridge} adds the live side.
 */
export class BridgeCalls {
  /** @param {ConnectOptions} options */
  constructor(options) {
    const settings = settingsOf(options);
    /** The REST base URL, e.g. `http://localhost:8080`. */
    this.url = settings.url;
    /** The STOMP endpoint, e.g. `ws://localhost:8080/ws`. */
    this.wsUrl = settings.wsUrl;
    this.token = options.token;
    this.claims = decodeToken(this.token);
    /** @type {string | undefined} */
    this.actAs = options.actAs;
    /** @internal */
    this.settings = settings;
    /** @internal */
    this.rest = new Rest(this.url, settings.fetch, () => this.token, { retryForMs: settings.retryForMs });
  }

  /** @returns {Identity} */
  get identity() {
    return identityOf(this.claims, this.actAs);
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
   * The bridge refused the token (a 401).
   * @internal
   * @param {Problem} problem
   */
  tokenRefused(problem) {} // eslint-disable-line no-unused-vars

  /**
   * @internal
   * @returns {number} how long to wait for the event that ends what the client follows (`lastEventWaitMs`)
   */
  lastEventWaitMs() {
    return this.settings.lastEventWaitMs;
  }

  /**
   * @internal
   * @returns {number} events asked for per history read
   */
  historyPage() {
    return this.settings.historyPage;
  }

  /**
   * The bridge refused the page size: ask for `page` events from now on.
   * @internal
   * @param {number} page
   */
  limitHistoryPage(page) {
    this.settings.historyPage = Math.min(this.settings.historyPage, page);
  }
}
