// Shared by the e2e tests: where the bridge is, tokens, REST as a server, waiting.
//
//   BRIDGE_URL         the bridge under test, e.g. http://localhost:8080
//   BRIDGE_JWT_SECRET  its HS256 secret (tokens are minted here, as scripts/mint-token.mjs does)
//   BRIDGE_REDIS_URL   its Redis, redis://host:port (only the tests that cut the bridge's Redis links need it)
//   BRIDGE_CLIENT      the bundled client module (default: the one the build puts in target/classes)
//   BRIDGE_PRESENCE_GRACE_MS  the bridge's bridge.presence.grace (default 10000)
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect as tcp } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export const BRIDGE_URL = process.env.BRIDGE_URL ?? 'http://localhost:8080';
const SECRET = process.env.BRIDGE_JWT_SECRET;
if (!SECRET) throw new Error('Set BRIDGE_JWT_SECRET (and BRIDGE_URL) to the bridge under test');

/** The client module exactly as the bridge serves it at /client/meeting-bridge.js, bundled from clients/js by the build. */
export const CLIENT_PATH = process.env.BRIDGE_CLIENT
  ?? fileURLToPath(new URL('../../target/classes/static/client/meeting-bridge.js', import.meta.url));
if (!existsSync(CLIENT_PATH)) throw new Error(`No client bundle at ${CLIENT_PATH}: run ./mvnw generate-resources (or set BRIDGE_CLIENT)`);
export const { MeetingBridge, BridgeError } = await import(CLIENT_PATH);

export function mint(claims, ttlSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iat: now, exp: now + ttlSeconds, ...claims })}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

export const serverToken = () => mint({ sub: 'server', roles: ['server'] });
export const participantToken = (sub, ...permissions) =>
  mint({ sub, permissions: permissions.length ? permissions : ['allow_join'] });
export const moderatorToken = (sub) => participantToken(sub, 'allow_join', 'allow_mod');

const run = randomBytes(3).toString('hex');
let counter = 0;
/** An id no other test (or earlier run against the same Redis) uses. */
export const unique = (name) => `${name}-${run}-${++counter}`;

/** REST as the server: `api('POST', '/api/meetings', {meetingId})`; throws on an unexpected status. */
export async function api(method, path, body, token = serverToken()) {
  const response = await fetch(BRIDGE_URL + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const createMeeting = (meetingId) => api('POST', '/api/meetings', { meetingId });

/** Two new active meetings, `mars` and `earth` (not connected). */
export async function twoMeetings() {
  const mars = unique('mars');
  const earth = unique('earth');
  await createMeeting(mars);
  await createMeeting(earth);
  return { mars, earth };
}
export const joinAs = (meetingId, participantId, displayName = participantId) =>
  api('POST', `/api/meetings/${meetingId}/participants`, { participantId, displayName });

/** Polls until `check()` is truthy (or throws its last failure after `timeoutMs`). */
export async function eventually(check, { timeoutMs = 10000, intervalMs = 25, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw last ?? new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A `ws` WebSocket that records what the client sends and lets a test cut the line, so tests see
 * the STOMP frames (SUBSCRIBE, UNSUBSCRIBE) and can force a reconnect.
 */
export function trackingWebSocket() {
  const sockets = [];
  const sent = [];
  class TrackingWebSocket extends WebSocket {
    constructor(...args) {
      super(...args);
      sockets.push(this);
    }

    send(data, ...rest) {
      sent.push(String(data));
      return super.send(data, ...rest);
    }
  }
  return { TrackingWebSocket, sockets, sent };
}

/** Connects the client in Node with the `ws` package. */
export function connect(token, options = {}) {
  return MeetingBridge.connect({ url: BRIDGE_URL, token, webSocketImpl: WebSocket, ...options });
}

/** The bridge's presence grace: how long a session-bound participant may be away. */
export const GRACE_MS = Number(process.env.BRIDGE_PRESENCE_GRACE_MS ?? 10000);

/** Checks `check()` again and again for `ms`; throws at the first time it does not hold. */
export async function holdsFor(check, ms, { intervalMs = 200, message = 'condition' } = {}) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!(await check())) throw new Error(`no longer true: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The bridge's Redis (only the tests that cut its links or freeze it need it). */
export const REDIS_URL = process.env.BRIDGE_REDIS_URL;

/** Sends one command to the bridge's Redis over a raw RESP connection and resolves with the reply line. */
export function redis(...command) {
  const url = new URL(REDIS_URL);
  const commands = [];
  if (url.password) commands.push(url.username ? ['AUTH', decodeURIComponent(url.username), decodeURIComponent(url.password)] : ['AUTH', decodeURIComponent(url.password)]);
  commands.push(command);
  const encode = (parts) => `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = tcp({ host: url.hostname, port: Number(url.port || 6379) }, () => socket.write(commands.map(encode).join('')));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      received += chunk;
      const lines = received.split('\r\n').filter(Boolean);
      if (lines.length >= commands.length) {
        socket.end();
        const reply = lines[commands.length - 1];
        if (reply.startsWith('-')) reject(new Error(`Redis: ${reply}`));
        else resolve(reply);
      }
    });
    socket.on('error', reject);
  });
}
