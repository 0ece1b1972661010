#!/usr/bin/env node
// Mints an HS256 token for meeting-bridge with nothing but Node's standard library.
//
//   node scripts/mint-token.mjs --server
//   node scripts/mint-token.mjs --sub alice --perm allow_join [--perm allow_mod] [--room meeting-a] [--ttl 3600]
//
// The secret comes from BRIDGE_JWT_SECRET (or --secret). Never put a production secret on a command line.
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    server: { type: 'boolean', default: false },
    sub: { type: 'string' },
    perm: { type: 'string', multiple: true, default: [] },
    room: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    secret: { type: 'string' },
  },
});

const secret = values.secret ?? process.env.BRIDGE_JWT_SECRET;
if (!secret || Buffer.byteLength(secret) < 32) {
  console.error('Set BRIDGE_JWT_SECRET (at least 32 bytes) or pass --secret.');
  process.exit(2);
}
if (!values.server && !values.sub) {
  console.error('Give --server for a backend token, or --sub <participantId> for a participant token.');
  process.exit(2);
}

const now = Math.floor(Date.now() / 1000);
const claims = { iat: now, exp: now + Number(values.ttl) };
if (values.server) {
  claims.sub = values.sub ?? 'server';
  claims.roles = ['server'];
} else {
  claims.sub = values.sub;
  claims.permissions = values.perm.length ? values.perm : ['allow_join'];
  if (values.room) claims.roomId = values.room;
}

const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
console.log(`${unsigned}.${signature}`);
