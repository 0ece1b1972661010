/**
 * A JWT's claims as far as this client reads them.
 * @typedef {object} TokenClaims
 * @property {string} [sub]
 * @property {string[]} [roles]
 * @property {string[]} [permissions]
 * @property {string} [roomId]
 * @property {number} [exp]
 */

/**
 * Decodes a JWT's claims without verifying them (the bridge verifies; this is for display and
 * defaults). Anything that is not a JWT gives `{}`.
 * @param {string} token
 * @returns {TokenClaims}
 */
export function decodeToken(token) {
  try {
    const payload = String(token).split('.')[1];
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : {};
  } catch {
    return {};
  }
}
