/**
 * Verifying the bridge's webhooks on the receiving side (Node 18+, Deno, Bun, browsers' workers):
 * the Standard Webhooks signature over the raw body, and the timestamp window. Deduplicate by
 * the `webhook-id` header yourself: a delivery may repeat around an instance crash.
 */

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */

/**
 * A delivery as the body says: an event, or `events-skipped` for events the endpoint can no
 * longer get (reload that meeting).
 * @typedef {{type: BridgeEvent['type'], timestamp: string, data: BridgeEvent}
 *   | {type: 'events-skipped', timestamp: string,
 *      data: {meetingId: string, epoch: string, fromSequence: number, toSequence: number}}} WebhookPayload
 */

/**
 * Request headers: a plain object (Node's `req.headers`, names in lower case) or a `Headers`.
 * @typedef {Record<string, string | string[] | undefined> | {get(name: string): string | null}} WebhookHeaders
 */

/** Thrown by {@link verifyWebhook} for a delivery that must be refused (answer it 400). */
export class WebhookVerificationError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

const encoder = new TextEncoder();

/**
 * Checks a delivery and returns its parsed body: the `webhook-signature` must hold a `v1`
 * HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with the secret's bytes, and the
 * timestamp must be within `toleranceSeconds` (300) of now.
 *
 * ```js
 * const payload = await verifyWebhook(rawBody, req.headers, process.env.BRIDGE_WEBHOOKS_SECRET);
 * ```
 *
 * @param {string | Uint8Array} body the raw request body, exactly as received
 * @param {WebhookHeaders} headers
 * @param {string} secret the endpoint's secret, `whsec_` + base64
 * @param {{toleranceSeconds?: number, now?: number}} [options] `now` in milliseconds, for tests
 * @returns {Promise<WebhookPayload>}
 */
export async function verifyWebhook(body, headers, secret, options = {}) {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature');
  }
  const seconds = Number(timestamp);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError('webhook-timestamp is outside the tolerance');
  }
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const expected = `v1,${base64(await hmac(key(secret), `${id}.${timestamp}.${text}`))}`;
  if (!signatures.split(' ').some((candidate) => equal(candidate, expected))) {
    throw new WebhookVerificationError('No matching signature');
  }
  return JSON.parse(text);
}

/**
 * @param {WebhookHeaders} headers
 * @param {string} name
 * @returns {string | undefined}
 */
function header(headers, name) {
  if (typeof headers.get === 'function') {
    return /** @type {{get(name: string): string | null}} */ (headers).get(name) ?? undefined;
  }
  const value = /** @type {Record<string, string | string[] | undefined>} */ (headers)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * @param {string} secret
 * @returns {Uint8Array<ArrayBuffer>}
 */
function key(secret) {
  if (typeof secret !== 'string' || !secret.startsWith('whsec_')) {
    throw new TypeError("The secret must be 'whsec_' followed by base64");
  }
  const binary = atob(secret.slice('whsec_'.length));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * @param {Uint8Array<ArrayBuffer>} keyBytes
 * @param {string} message
 * @returns {Promise<Uint8Array>}
 */
async function hmac(keyBytes, message) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('Web Crypto (globalThis.crypto.subtle) is needed to verify webhooks');
  }
  const cryptoKey = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', cryptoKey, encoder.encode(message)));
}

/** @param {Uint8Array} bytes */
function base64(bytes) {
  let binary = '';
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

/**
 * Compares in time that does not depend on where the strings differ.
 * @param {string} a
 * @param {string} b
 */
function equal(a, b) {
  if (a.length !== b.length) {
    return false;
  }
  let difference = 0;
  for (let i = 0; i < a.length; i++) {
    difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  }
  return difference === 0;
}
