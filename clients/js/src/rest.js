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

/**
 * REST calls with a bearer token: JSON in and out, problem details turned into {@link BridgeError}s.
 */
export class Rest {
  /**
   * @param {string} baseUrl e.g. `http://localhost:8080`
   * @param {FetchLike} fetchImpl
   * @param {() => string} token the current token, read on every call
   */
  constructor(baseUrl, fetchImpl, token) {
    this.baseUrl = baseUrl;
    this.fetch = fetchImpl;
    this.token = token;
  }

  /**
   * One call. Resolves with the parsed JSON body (`null` for 204), rejects with a
   * {@link BridgeError} carrying the problem details.
   * @param {string} method
   * @param {string} path e.g. `/api/meetings/mars`
   * @param {object} [body]
   * @returns {Promise<any>}
   */
  async request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { Authorization: `Bearer ${this.token()}`, Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await this.fetch(this.baseUrl + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw localError('Bridge unreachable', String(/** @type {Error} */ (error)?.message ?? error));
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
}
