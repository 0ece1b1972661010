/** @typedef {import('./types.js').Problem} Problem */
/** @typedef {import('./types.js').TokenExpired} TokenExpired */

/**
 * Times `token-expiring` and `token-expired` for the client's current token, and reports a token
 * the bridge refused, once per token.
 * @internal
 */
export class TokenWatch {
  /**
   * @param {number} warningMs how long before `exp` `token-expiring` comes
   * @param {{expiring: (detail: {expiresAt: string, inMs: number}) => void, expired: (detail: TokenExpired) => void,
   *   closedByUser: () => boolean}} host
   */
  constructor(warningMs, host) {
    this.warningMs = warningMs;
    this.host = host;
    /** @type {ReturnType<typeof setTimeout>[]} */
    this.timers = [];
    /** Whether `token-expired` was emitted for the current token. */
    this.reported = false;
  }

  /**
   * Starts over for a (new) token.
   * @param {Record<string, any>} claims the token's
   */
  watch(claims) {
    this.stop();
    this.reported = false;
    const exp = claims.exp;
    if (typeof exp !== 'number') return;
    const expiresAt = new Date(exp * 1000).toISOString();
    const left = exp * 1000 - Date.now();
    /** @param {() => void} action @param {number} delay */
    const at = (action, delay) => {
      const timer = setTimeout(action, Math.max(0, delay));
      /** @type {{unref?: () => void}} */ (timer).unref?.();
      this.timers.push(timer);
    };
    if (left > 0) {
      at(() => this.host.expiring({ expiresAt, inMs: Math.max(0, exp * 1000 - Date.now()) }), left - this.warningMs);
    }
    at(() => this.expired({ expiresAt, refused: false }), left);
  }

  /**
   * The bridge refused the token (401, or an ERROR frame `unauthenticated`).
   * @param {Problem} problem
   * @param {unknown} exp the token's `exp` claim
   */
  refused(problem, exp) {
    const expiresAt = typeof exp === 'number' ? new Date(exp * 1000).toISOString() : undefined;
    this.expired({ expiresAt, refused: true, problem });
  }

  /** @param {TokenExpired} detail */
  expired(detail) {
    if (this.reported || this.host.closedByUser()) return;
    this.reported = true;
    this.host.expired(detail);
  }

  stop() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }
}
