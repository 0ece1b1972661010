import { BridgeError, localError } from './errors.js';

/** @typedef {typeof globalThis.fetch} FetchLike */

/** @param {unknown} value */
export const seg = (value) => encodeURIComponent(String(value));

/** @param {string} text */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The methods that change something: each call carries its own `Idempotency-Key`. */
const CHANGES = ['POST', 'DELETE'];
/** Answers after which the change may or may not have happened, or will happen if asked again. */
const RETRIED_STATUSES = [502, 503, 504];
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 2000;

/**
 * A fresh idempotency key: a random UUID where the platform has one (browsers, Node 19+),
 * else 32 random hex digits.
 * @returns {string}
 */
export function idempotencyKey() {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * `Retry-After` in seconds: delta-seconds, or an HTTP date from now.
 * @param {string | null | undefined} header
 * @returns {number | undefined}
 */
function retryAfterSeconds(header) {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/**
 * How long to wait before sending a failed change again with the same key, or `undefined` when
 * it must not be sent again: only when the bridge was not reached or its answer was lost
 * (`unreachable`), a proxy or the bridge could not carry it out now (502, 503, 504), or the
 * first attempt is still being carried out (409 `idempotency-key-in-progress`). Any other
 * answer is the bridge's last word on that key.
 * @param {unknown} error
 * @param {number} backOff the current back-off
 * @returns {number | undefined} milliseconds
 */
function retryDelay(error, backOff) {
  if (!(error instanceof BridgeError)) return undefined;
  const retried = (error.status === 0 && error.code === 'unreachable')
    || RETRIED_STATUSES.includes(error.status)
    || (error.status === 409 && error.code === 'idempotency-key-in-progress');
  if (!retried) return undefined;
  const retryAfter = error.problem.retryAfter;
  // Retry-After is honoured as asked, with a little spread so that clients refused together
  // do not all come back in the same millisecond; otherwise a jittered back-off.
  if (typeof retryAfter === 'number' && retryAfter >= 0) return retryAfter * 1000 * (1 + Math.random() * 0.1);
  return backOff / 2 + Math.random() * (backOff / 2);
}

/**
 * REST calls with a bearer token: JSON in and out, problem details turned into {@link BridgeError}s.
 * Changes (POST, DELETE) carry an `Idempotency-Key` and are sent again with it while their
 * outcome is unknown, so each takes effect once.
 */
export class Rest {
  /**
   * @param {string} baseUrl e.g. `http://localhost:8080`
   * @param {FetchLike} fetchImpl
   * @param {() => string} token the current token, read on every call
   * @param {{retryForMs?: number}} [options] how long a change is retried, from its first attempt
   */
  constructor(baseUrl, fetchImpl, token, { retryForMs = 30000 } = {}) {
    this.baseUrl = baseUrl;
    this.fetch = fetchImpl;
    this.token = token;
    this.retryForMs = retryForMs;
  }

  /**
   * One call. Resolves with the parsed JSON body (`null` for 204), rejects with a
   * {@link BridgeError} carrying the problem details. A change gets a fresh `Idempotency-Key`
   * and is retried with it (see {@link retryDelay}) for up to `retryForMs`; then it rejects with
   * the last error. An answer the bridge replays (`Idempotent-Replayed: true`) is the first
   * attempt's answer, byte for byte, and resolves the same way.
   * @param {string} method
   * @param {string} path e.g. `/api/meetings/mars`
   * @param {object} [body]
   * @returns {Promise<any>}
   */
  async request(method, path, body) {
    if (!CHANGES.includes(method)) return this.send(method, path, body);
    const key = idempotencyKey();
    const deadline = Date.now() + this.retryForMs;
    let backOff = RETRY_FIRST_MS;
    for (;;) {
      try {
        return await this.send(method, path, body, key);
      } catch (error) {
        const delay = retryDelay(error, backOff);
        if (delay === undefined || Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        backOff = Math.min(backOff * 2, RETRY_MAX_MS);
      }
    }
  }

  /**
   * One attempt.
   * @param {string} method
   * @param {string} path
   * @param {object} [body]
   * @param {string} [key] the change's `Idempotency-Key`
   * @returns {Promise<any>}
   */
  async send(method, path, body, key) {
    /** @type {Record<string, string>} */
    const headers = { Authorization: `Bearer ${this.token()}`, Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (key !== undefined) headers['Idempotency-Key'] = key;
    let response;
    let text;
    try {
      response = await this.fetch(this.baseUrl + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
      // A connection lost while the body arrives is as unreachable as one lost before the head.
      text = response.status === 204 ? '' : await response.text();
    } catch (error) {
      throw localError('Bridge unreachable', String(/** @type {Error} */ (error)?.message ?? error));
    }
    if (response.status === 204) return null;
    const json = text ? parseJson(text) : null;
    if (!response.ok) {
      const problem = json && typeof json === 'object'
        ? { status: response.status, ...json }
        : { title: response.statusText || `HTTP ${response.status}`, status: response.status, detail: text || undefined };
      const retryAfter = retryAfterSeconds(response.headers?.get?.('Retry-After'));
      if (retryAfter !== undefined && problem.retryAfter === undefined) problem.retryAfter = retryAfter;
      throw new BridgeError(problem);
    }
    return json;
  }
}
