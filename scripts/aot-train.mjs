#!/usr/bin/env node
// The training workload for the JVM's ahead-of-time cache (scripts/aot-cache.sh runs it): every REST
// route a deployment serves, its refusals included, sent with keep-alive from a few concurrent loops
// for a while, so that the classes it loads, links and profiles are the ones a serving instance needs.
//
//   BRIDGE_JWT_SECRET=... node scripts/aot-train.mjs --base http://127.0.0.1:8080 [--seconds 40] [--loops 8]
//
// It creates meetings named aot-train-*; they end before it exits. Exit status 1 if a request answers
// something the route never answers (a 500, say), or if more than one request in 20 was answered 503
// (the store did not answer in time: a loaded build machine can meet a few, which are counted, not
// failed): a cache trained on failures is not worth shipping.
import { createHmac, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:8080' },
    seconds: { type: 'string', default: '40' },
    loops: { type: 'string', default: '8' },
  },
});
const secret = process.env.BRIDGE_JWT_SECRET;
if (!secret || Buffer.byteLength(secret) < 32) {
  console.error('Set BRIDGE_JWT_SECRET (at least 32 bytes), the secret of the bridge under training.');
  process.exit(2);
}

function token(claims) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iat: now, exp: now + 3600, ...claims })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const server = token({ sub: 'aot-train', roles: ['server'] });
const unexpected = [];
let requests = 0;
let unavailable = 0;

async function call(expected, method, path, body, bearer = server, headers = {}) {
  const res = await fetch(values.base + path, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  requests++;
  if (res.status === 503 && !expected.includes(503)) {
    unavailable++;
  } else if (!expected.includes(res.status) && unexpected.length < 10) {
    unexpected.push(`${method} ${path} -> ${res.status} ${text.slice(0, 200)}`);
  }
  return text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
}

const run = randomUUID().slice(0, 8);
const src = `aot-train-${run}-src`;
const dst = `aot-train-${run}-dst`;
await call([201], 'POST', '/api/meetings', { meetingId: src });
await call([201], 'POST', '/api/meetings', { meetingId: dst });
const loops = Number(values.loops);
for (let k = 0; k < loops; k++) {
  await call([201], 'POST', `/api/meetings/${src}/participants`, { displayName: `Sender ${k}`, participantId: `s${k}` });
}
const connection = await call([201], 'POST', `/api/meetings/${src}/connections`, { meetingId: dst });
const chatPath = `/api/meetings/${src}/connections/${connection.id}/chat-messages`;

// One round of every kind of request a serving instance meets, k being the loop.
async function round(k, i) {
  const p = `j${k}-${i}`;
  await call([201], 'POST', '/api/tokens', { participantId: p });
  await call([201], 'POST', `/api/meetings/${dst}/participants`, { displayName: `Joiner ${p}`, participantId: p });
  await call([201], 'POST', chatPath, { message: `training ${i}`, senderId: `s${k}` });
  await call([201], 'POST', chatPath, { message: `keyed ${i}`, senderId: `s${k}` }, server,
    { 'idempotency-key': `${run}-${k}-${i}` });
  await call([204], 'DELETE', `/api/meetings/${dst}/participants/${p}`);
  if (i % 4 === 0) {
    await call([200], 'GET', `/api/meetings/${dst}`);
    await call([200], 'GET', `/api/meetings/${dst}/participants`);
    await call([200], 'GET', `/api/meetings/${dst}/events?limit=20`);
    await call([200], 'GET', `/api/meetings/${src}/connections`);
    await call([200], 'GET', '/api/meetings?limit=5');
  }
  if (i % 8 === 0) {
    await call([401], 'GET', `/api/meetings/${dst}`, undefined, null);
    await call([401], 'GET', `/api/meetings/${dst}`, undefined, `${server}x`);
    await call([404], 'GET', `/api/meetings/aot-train-${run}-none`);
    await call([400], 'POST', '/api/meetings', '{"meetingId": ', server);
    await call([400], 'POST', chatPath, { message: '' });
    await call([409], 'POST', '/api/meetings', { meetingId: src });
    await call([200], 'GET', '/actuator/health/readiness', undefined, null);
  }
}

const deadline = Date.now() + Number(values.seconds) * 1000;
await Promise.all(Array.from({ length: loops }, async (_, k) => {
  for (let i = 0; Date.now() < deadline; i++) {
    await round(k, i);
  }
}));
await call([200], 'POST', `/api/meetings/${src}/end`);
await call([200], 'POST', `/api/meetings/${dst}/end`);
console.log(`aot-train: ${requests} requests in ${values.seconds} s from ${loops} loops`);
if (unavailable > 0) {
  console.log(`aot-train: ${unavailable} answered 503 (the store did not answer in time under the training load)`);
}
if (unavailable > requests / 20) {
  unexpected.push(`${unavailable} of ${requests} requests answered 503: the training instance could not reach its Redis in time`);
}
if (unexpected.length) {
  console.error(`aot-train: unexpected answers:\n  ${unexpected.join('\n  ')}`);
  process.exit(1);
}
