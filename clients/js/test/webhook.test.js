import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';

import { verifyWebhook, WebhookVerificationError } from '../src/index.js';

const keyBytes = Buffer.from('0123456789abcdef0123456789abcdef');
const secret = `whsec_${keyBytes.toString('base64')}`;
const body = JSON.stringify({ type: 'participant-joined', timestamp: '2026-01-01T00:00:00.000Z', data: { sequence: 1 } });
const now = 1_800_000_000_000;

function signed(text, { id = 'mars:e1:1', timestamp = String(now / 1000), key = keyBytes } = {}) {
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${text}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

test('a delivery signed with the secret verifies and gives its payload', async () => {
  const payload = await verifyWebhook(body, signed(body), secret, { now });
  assert.equal(payload.type, 'participant-joined');
  assert.deepEqual(payload.data, { sequence: 1 });
});

test('headers may be a Headers object, the body bytes, and one of several signatures match', async () => {
  const headers = new Headers(signed(body));
  headers.set('webhook-signature', `v1,bm90IHRoaXMgb25l ${headers.get('webhook-signature')}`);
  const payload = await verifyWebhook(new TextEncoder().encode(body), headers, secret, { now });
  assert.equal(payload.type, 'participant-joined');
});

test('a changed body, another key, an old timestamp or missing headers are refused', async () => {
  await assert.rejects(verifyWebhook(body.replace('1', '2'), signed(body), secret, { now }), WebhookVerificationError);
  await assert.rejects(verifyWebhook(body, signed(body, { key: Buffer.alloc(32) }), secret, { now }),
    WebhookVerificationError);
  const old = signed(body, { timestamp: String(now / 1000 - 301) });
  await assert.rejects(verifyWebhook(body, old, secret, { now }), /tolerance/);
  await assert.rejects(verifyWebhook(body, {}, secret, { now }), /Missing/);
  await assert.rejects(verifyWebhook(body, signed(body), 'plain-secret', { now }), TypeError);
});
