/** @typedef {import('./types.js').Problem} Problem */

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
    /** The problem details as received. */
    this.problem = problem;
    /** HTTP status (0 when the bridge was not reached). */
    this.status = problem.status ?? 0;
    /** Stable machine-readable code, e.g. `meeting-ended`. */
    this.code = problem.code;
    this.title = title;
    this.detail = problem.detail;
    /** Field errors of a `validation-failed` refusal. */
    this.errors = problem.errors;
  }
}

/** What a STOMP ERROR frame's code means, in the words the REST side uses. */
const STOMP_REFUSALS = /** @type {Record<string, {status: number, title: string}>} */ ({
  unauthenticated: { status: 401, title: 'Token refused' },
  forbidden: { status: 403, title: 'Not allowed' },
  'unknown-destination': { status: 404, title: 'Unknown destination' },
  'subscription-limit': { status: 429, title: 'Too many subscriptions' },
  'store-unavailable': { status: 503, title: 'Store unavailable' },
});

/**
 * A problem for a STOMP ERROR frame, whose `message` header starts with a code (`forbidden: ...`).
 * @param {string | undefined} message
 * @returns {Problem}
 */
export function stompProblem(message) {
  const text = message || 'The bridge refused a STOMP frame';
  const colon = text.indexOf(':');
  const code = colon > 0 ? text.slice(0, colon).trim() : text.trim();
  const detail = colon > 0 ? text.slice(colon + 1).trim() : text;
  const known = STOMP_REFUSALS[code];
  return { title: known?.title ?? 'Refused by the bridge', status: known?.status ?? 0, code, detail };
}

/**
 * @param {string} title
 * @param {string} detail
 * @param {string} [code]
 * @returns {BridgeError} an error for something that never reached the bridge
 */
export function localError(title, detail, code = 'unreachable') {
  return new BridgeError({ title, status: 0, code, detail });
}
