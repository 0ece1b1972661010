#!/usr/bin/env node
// The benchmark's peer: a small Socket.IO 4 server with @socket.io/redis-adapter (ioredis) doing the
// bridge's job for the parts the benchmark exercises. Meetings are rooms ("m:<id>"), participant maps
// live in Redis, and every state change is one Lua script that checks its preconditions, takes the
// meeting's next sequence number (HINCRBY) and appends the event to the capped history (RPUSH +
// LTRIM); the event is then emitted to the meeting's room, which the Redis adapter publishes (one
// PUBLISH) to the other peer processes. Same REST paths and HS256 tokens as the bridge, so the load
// clients drive both the same way; POST /api/tokens mints a participant token as the bridge does (the
// REST request of scenario 7 that touches no Redis).
//
//   PORT=9001 REDIS_URL=redis://127.0.0.1:6380 BRIDGE_JWT_SECRET=... node --expose-gc bench/peer/server.mjs
//
// Socket.IO API: connect with auth {token}; emit('subscribe', {meetingId}, ack) joins the meeting's
// room if the token may listen to it (server token, member, or member of a connected meeting);
// events arrive as emit(type, eventJsonString).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { KEY_COUNTS, SCRIPTS } from './scripts.mjs';

const port = Number(process.env.PORT ?? 9001);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const secret = process.env.BRIDGE_JWT_SECRET;
const prefix = process.env.PEER_KEY_PREFIX ?? 'peer';
const maxEvents = String(process.env.PEER_HISTORY_MAX_EVENTS ?? 1000);
const chatRate = String(process.env.PEER_CHAT_RATE ?? 20);
const chatBurst = String(process.env.PEER_CHAT_BURST ?? 40);
const maxChatLength = 4096;
const maxBody = 64 * 1024;

if (!secret || Buffer.byteLength(secret) < 32) {
  console.error('peer: BRIDGE_JWT_SECRET (at least 32 bytes) is required');
  process.exit(2);
}

// ---- tokens (HS256, the bridge's claims) ----
const key = Buffer.from(secret, 'utf8');
function verify(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (header.alg !== 'HS256' || typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return null;
  const server = Array.isArray(claims.roles) && claims.roles.includes('server');
  const perms = Array.isArray(claims.permissions) ? claims.permissions : [];
  return {
    server,
    sub: claims.sub,
    join: server || perms.includes('allow_join'),
    mod: server || perms.includes('allow_mod'),
  };
}

// Minting as the bridge's TokenMinter does: header {"alg":"HS256"}, claims sub, exp, iat, permissions
// (sorted) and roomId when given, in the order its encoder writes them (the same token, byte for byte,
// within the same second); the answer {"token", "expiresAt"} as its TokenController gives it.
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
const PERMISSIONS = ['allow_join', 'allow_mod'];
const DEFAULT_TTL_S = 3600;
const MAX_TTL_S = 86_400;
function sign(claims) {
  const unsigned = `${JWT_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}
function mintParticipantToken(body) {
  const sub = requireId(body.participantId, 'participantId');
  const roomId = body.roomId == null ? undefined : requireId(body.roomId, 'roomId');
  const asked = body.permissions == null ? ['allow_join'] : body.permissions;
  if (!Array.isArray(asked) || asked.some((p) => !PERMISSIONS.includes(p))) {
    throw new HttpError(400, 'validation-failed', 'permissions must be allow_join or allow_mod');
  }
  const ttl = body.ttlSeconds == null ? DEFAULT_TTL_S : body.ttlSeconds;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_S) throw new HttpError(400, 'validation-failed', `ttlSeconds must be between 1 and ${MAX_TTL_S}`);
  const nowMs = Date.now();
  const iat = Math.floor(nowMs / 1000);
  const claims = { sub, exp: iat + ttl, iat, permissions: [...new Set(asked)].sort(), ...(roomId ? { roomId } : {}) };
  return { token: sign(claims), expiresAt: new Date(nowMs + ttl * 1000).toISOString() };
}

// ---- Redis keys and scripts ----
const tag = (m) => `${prefix}:{m:${m}}:`;
const meetingKeys = (m) => [`${tag(m)}meeting`, `${tag(m)}participants`, `${tag(m)}connections`, `${tag(m)}history`];

const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
const subClient = redis.duplicate();
for (const [name, lua] of Object.entries(SCRIPTS)) {
  redis.defineCommand(`peer_${name}`, { numberOfKeys: KEY_COUNTS[name], lua });
}
const run = (name, m, extraKeys, args) =>
  redis[`peer_${name}`](...meetingKeys(m), ...extraKeys, m, maxEvents, new Date().toISOString(), ...args);

// ---- HTTP ----
class HttpError extends Error {
  constructor(status, code, detail) {
    super(detail ?? code);
    this.status = status;
    this.code = code;
  }
}
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const CODES = {
  'meeting-not-found': 404, 'participant-not-found': 404, 'meeting-ended': 409, 'meeting-exists': 409,
  'connection-closed': 409, forbidden: 403, 'rate-limited': 429,
};
const refuse = (code) => new HttpError(CODES[code] ?? 400, code);
const requireId = (value, field) => {
  if (typeof value !== 'string' || !ID.test(value)) throw new HttpError(400, 'validation-failed', `bad ${field}`);
  return value;
};
const room = (m) => `m:${m}`;

// How long each chat message's emit took (ms): encoding it once and handing it to every local
// socket of the room (engine.io writes each socket's frame synchronously), plus the adapter's
// PUBLISH. The benchmark reads it next to the bridge's bridge_events_fanout_seconds; kept for the
// last FANOUT_KEPT messages.
const FANOUT_KEPT = 200_000;
const fanoutMs = [];
let fanoutCount = 0;
function emitTimed(target, type, event) {
  const started = performance.now();
  target.emit(type, event);
  if (fanoutMs.length === FANOUT_KEPT) fanoutMs.splice(0, FANOUT_KEPT / 2);
  fanoutMs.push(performance.now() - started);
  fanoutCount += 1;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > maxBody) reject(new HttpError(413, 'payload-too-large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size === 0) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'malformed-json'));
      }
    });
    req.on('error', reject);
  });
}

async function handle(req, res) {
  const url = req.url.split('?')[0];
  if (req.method === 'GET' && url === '/health') return send(res, 200, { status: 'UP' });
  if (req.method === 'GET' && url === '/admin/fanout') {
    // The chat emits timed since the count the caller read before (?from=N).
    const from = Number(new URL(req.url, 'http://peer').searchParams.get('from') ?? 0);
    const kept = fanoutMs.slice(Math.max(0, fanoutMs.length - (fanoutCount - from)));
    return send(res, 200, { count: fanoutCount, ms: from >= fanoutCount ? [] : kept });
  }
  if (req.method === 'GET' && url === '/admin/memory') {
    if (global.gc) global.gc();
    return send(res, 200, { ...process.memoryUsage(), sockets: io.of('/').sockets.size });
  }
  const principal = verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  if (!principal) throw new HttpError(401, 'unauthenticated');
  // POST /api/tokens: the bridge's token minting, the REST request that touches no Redis (scenario 7).
  if (req.method === 'POST' && url === '/api/tokens') {
    if (!principal.server) throw refuse('forbidden');
    return send(res, 201, mintParticipantToken(await readBody(req)));
  }
  const parts = url.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'api' || parts[1] !== 'meetings') throw new HttpError(404, 'not-found');
  const body = req.method === 'POST' ? await readBody(req) : {};
  const m = parts[2] === undefined ? undefined : requireId(parts[2], 'meetingId');

  // POST /api/meetings
  if (req.method === 'POST' && parts.length === 2) {
    if (!principal.mod) throw refuse('forbidden');
    const id = requireId(body.meetingId ?? randomUUID().slice(0, 14), 'meetingId');
    const [code] = await run('create', id, [], []);
    if (code !== 'ok') throw refuse(code);
    return send(res, 201, { id, status: 'active', participants: {}, connections: [] });
  }
  // POST /api/meetings/{m}/participants
  if (req.method === 'POST' && parts.length === 4 && parts[3] === 'participants') {
    const who = principal.server ? requireId(body.participantId, 'participantId') : principal.sub;
    if (!principal.join || (!principal.server && body.participantId && body.participantId !== who)) throw refuse('forbidden');
    const name = typeof body.displayName === 'string' ? body.displayName.trim() : '';
    if (name.length < 1 || name.length > 100) throw new HttpError(400, 'validation-failed', 'displayName');
    const participant = JSON.stringify({ id: who, displayName: name, joinedAt: new Date().toISOString() });
    const [code, existing, event] = await run('join', m, [], [who, participant]);
    if (code === 'already-member') return send(res, 200, existing, true);
    if (code !== 'ok') throw refuse(code);
    io.to(room(m)).emit('participant-joined', event);
    return send(res, 201, existing, true);
  }
  // DELETE /api/meetings/{m}/participants/{p}
  if (req.method === 'DELETE' && parts.length === 5 && parts[3] === 'participants') {
    const who = requireId(parts[4], 'participantId');
    if (!principal.server && principal.sub !== who) throw refuse('forbidden');
    const [code, , event] = await run('leave', m, [], [who, principal.server || principal.sub === who ? 'left' : 'removed']);
    if (code !== 'ok') throw refuse(code);
    io.to(room(m)).emit('participant-left', event);
    // Live authority: the leaver's sockets stop listening to the meeting (on every peer process).
    io.in(`p:${who}`).socketsLeave(room(m));
    res.writeHead(204).end();
    return undefined;
  }
  // POST /api/meetings/{m}/connections
  if (req.method === 'POST' && parts.length === 4 && parts[3] === 'connections') {
    if (!principal.mod) throw refuse('forbidden');
    const other = requireId(body.meetingId, 'meetingId');
    if (other === m) throw new HttpError(400, 'self-connection');
    const payload = JSON.stringify(typeof body.payload === 'string' ? body.payload : '');
    const id = randomUUID();
    const result = await run('connect', m, meetingKeys(other).filter((_, i) => i !== 1), [other, id, payload]);
    if (result[0] === 'existing') return send(res, 200, { id: result[1], meetingId: m, meeting: { id: other } });
    if (result[0] !== 'ok') throw refuse(result[0]);
    io.to(room(m)).emit('connection-open', result[2]);
    io.to(room(other)).emit('connection-open', result[3]);
    return send(res, 201, { id, meetingId: m, meeting: { id: other } });
  }
  // POST /api/meetings/{m}/connections/{c}/chat-messages
  if (req.method === 'POST' && parts.length === 6 && parts[3] === 'connections' && parts[5] === 'chat-messages') {
    const sender = principal.server ? requireId(body.senderId, 'senderId') : principal.sub;
    if (!principal.join || (!principal.server && body.senderId && body.senderId !== sender)) throw refuse('forbidden');
    const text = typeof body.message === 'string' ? body.message.trim() : '';
    if (text.length < 1 || text.length > maxChatLength) throw new HttpError(400, 'validation-failed', 'message');
    const result = await run('chat', m, [`${prefix}:{p:${sender}}:chat-rate`],
      [parts[4], sender, randomUUID(), text, prefix, chatRate, chatBurst]);
    if (result[0] !== 'ok') throw refuse(result[0]);
    emitTimed(io.to(room(result[1])), 'chat-message', result[3]);
    return send(res, 201, result[2], true);
  }
  throw new HttpError(404, 'not-found');
}

function send(res, status, body, raw = false) {
  const text = raw ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (res.headersSent) return;
    const status = error instanceof HttpError ? error.status : 503;
    if (!(error instanceof HttpError)) console.error('peer: request failed', error);
    const text = JSON.stringify({ status, code: error.code ?? 'store-unavailable', detail: error.message });
    res.writeHead(status, { 'content-type': 'application/problem+json' }).end(text);
  });
});

// ---- Socket.IO ----
const io = new Server(server, { adapter: createAdapter(redis, subClient), serveClient: false });
io.use((socket, next) => {
  const principal = verify(socket.handshake.auth?.token);
  if (!principal) return next(new Error('unauthenticated'));
  socket.data.principal = principal;
  if (!principal.server) socket.join(`p:${principal.sub}`);
  return next();
});
io.on('connection', (socket) => {
  socket.on('subscribe', async (request, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    try {
      const m = requireId(request?.meetingId, 'meetingId');
      const { server: isServer, sub } = socket.data.principal;
      let allowed = isServer || (await redis.hexists(`${tag(m)}participants`, sub)) === 1;
      if (!allowed) {
        // A member of a meeting with an open connection to m may listen too.
        for (const other of Object.values(await redis.hgetall(`${tag(m)}connections`))) {
          if ((await redis.hexists(`${tag(other)}participants`, sub)) === 1) {
            allowed = true;
            break;
          }
        }
      }
      if (!allowed) return reply({ error: 'forbidden' });
      socket.join(room(m));
      return reply({ ok: true });
    } catch (error) {
      return reply({ error: error.code ?? 'store-unavailable' });
    }
  });
  socket.on('unsubscribe', (request, ack) => {
    if (typeof request?.meetingId === 'string') socket.leave(room(request.meetingId));
    if (typeof ack === 'function') ack({ ok: true });
  });
});

server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, '127.0.0.1', () => console.log(`peer listening on 127.0.0.1:${port} (redis ${redisUrl})`));
const stop = () => {
  io.close();
  redis.disconnect();
  subClient.disconnect();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
