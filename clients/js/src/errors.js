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
    /**
     * Seconds the bridge asked to wait before trying again (`Retry-After` of a 503
     * `store-unavailable` or a 429 `rate-limited`), if it asked.
     * @type {number | undefined}
     */
    this.retryAfter = problem.retryAfter;
  }
}

/**
 * The problem of a STOMP ERROR frame: its body is the problem detail, as on the error queue.
 * A frame without one (from another STOMP server) is read from its `message`
 * header, `code: detail`, with status 0: the code is what the bridge said, the status unknown.
 * @param {string | undefined} message the `message` header
 * @param {string} [body] the frame's body
 * @returns {Problem}
 */
export function stompProblem(message, body) {
  const json = body ? parseProblem(body) : undefined;
  if (json) return json;
  const text = message || 'The bridge refused a STOMP frame';
  const colon = text.indexOf(':');
  const code = colon > 0 ? text.slice(0, colon).trim() : text.trim();
  const detail = colon > 0 ? text.slice(colon + 1).trim() : text;
  return { title: 'Refused by the bridge', status: 0, code, detail };
}

/**
 * @param {string} body
 * @returns {Problem | undefined}
 */
function parseProblem(body) {
  try {
    const json = JSON.parse(body);
    return json && typeof json === 'object' && typeof json.title === 'string' ? { ...json, status: json.status ?? 0 } : undefined;
  } catch {
    return undefined;
  }
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
