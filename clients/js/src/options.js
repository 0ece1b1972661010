/** @typedef {import('./stomp/session.js').WebSocketClass} WebSocketClass */

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
 * @property {number} [lastEventWaitMs] how long the client waits for the event that ends what
 *   it follows before it lets go without it: after `leave()`, the participant's own
 *   `participant-left`; after a connection closed, the other meeting's `connection-close` (and
 *   its `meeting-ended` when it is the one that ended). The event normally comes within
 *   milliseconds and ends the wait; the bound only matters when it never comes (the session
 *   dropped meanwhile). Default 30000
 * @property {number} [historyPage] events asked for per history read when the client fills a
 *   gap; default 1000, the most the bridge answers by default. A bridge that refuses the page
 *   size (400 naming `limit`) is asked again with the largest size its answer allows
 */

/**
 * @typedef {object} JoinOptions
 * @property {string} displayName
 * @property {string} [participantId] only with a server token (default: `actAs`)
 * @property {boolean} [bindToSession] participant tokens: the bridge removes the participant when
 *   this client stays away longer than its presence grace; bound again after each reconnect while it
 *   is still a member
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
 * The options with their defaults filled in and the URLs worked out.
 * @typedef {object} Settings
 * @property {string} url the REST base URL, e.g. `http://localhost:8080`
 * @property {string} wsUrl the STOMP endpoint, e.g. `ws://localhost:8080/ws`
 * @property {WebSocketClass} WebSocketImpl
 * @property {typeof globalThis.fetch} fetch
 * @property {number} heartbeatMs
 * @property {number} reconnectDelayMs
 * @property {number} maxReconnectDelayMs
 * @property {number} retryForMs
 * @property {number} tokenWarningMs
 * @property {number} lastEventWaitMs
 * @property {number} historyPage
 */

/**
 * @param {ConnectOptions} options
 * @returns {Settings}
 * @throws {TypeError} for a missing token, URL, WebSocket or fetch
 */
export function settingsOf(options) {
  const { url, token, webSocketImpl, fetchImpl, heartbeatMs = 10000, reconnectDelayMs = 500,
    maxReconnectDelayMs = 10000, retryForMs = 30000, tokenWarningMs = 60000, lastEventWaitMs = 30000,
    historyPage = 1000 } = options ?? {};
  if (!token) throw new TypeError('MeetingBridge needs a token');
  const base = url ?? globalThis.location?.origin;
  if (!base) throw new TypeError('MeetingBridge needs a url');
  const parsed = new URL(base);
  const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
  const WebSocketImpl = /** @type {WebSocketClass | undefined} */ (webSocketImpl ?? globalThis.WebSocket);
  if (!WebSocketImpl) throw new TypeError('No WebSocket here: pass webSocketImpl (e.g. the ws package)');
  const fetch = fetchImpl ?? globalThis.fetch?.bind(globalThis);
  if (!fetch) throw new TypeError('No fetch here: pass fetchImpl');
  if (!(historyPage >= 1)) throw new TypeError('historyPage must be 1 or more');
  return {
    url: `${secure ? 'https' : 'http'}://${parsed.host}`,
    wsUrl: `${secure ? 'wss' : 'ws'}://${parsed.host}/ws`,
    WebSocketImpl, fetch, heartbeatMs, reconnectDelayMs, maxReconnectDelayMs, retryForMs, tokenWarningMs,
    lastEventWaitMs, historyPage: Math.floor(historyPage),
  };
}

/**
 * @param {Record<string, any>} claims the token's, decoded
 * @param {string | undefined} actAs
 * @returns {Identity}
 */
export function identityOf(claims, actAs) {
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  const isServer = roles.includes('server');
  return {
    sub: claims.sub,
    isServer,
    participantId: isServer ? actAs : claims.sub,
    permissions: Array.isArray(claims.permissions) ? claims.permissions : [],
    roomId: claims.roomId,
    exp: claims.exp,
  };
}

/** The bridge's own event types, for `on()` and `off()`. */
const BRIDGE_EVENTS = Object.freeze(['state', 'error', 'reconnected', 'token-expiring', 'token-expired']);

/**
 * @param {string} type
 * @returns {string} the type, if the bridge emits it
 * @throws {TypeError} naming the types there are, so that a misspelt name fails loudly
 */
export function bridgeEventType(type) {
  if (BRIDGE_EVENTS.includes(type)) return type;
  throw new TypeError(`MeetingBridge emits no '${type}' event; its events are ${BRIDGE_EVENTS.join(', ')}`);
}
