// Changes made once: every POST and DELETE carries its own Idempotency-Key and is sent again with
// it while its outcome is unknown (test/fake-bridge.js keeps and replays answers per key).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeError } from '../src/index.js';
import { SERVER, closeClients, connect, connectedMeetings } from './clients.js';
import { FakeBridge } from './fake-bridge.js';

afterEach(closeClients);

const chatPosts = (fake) => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/chat-messages'));
const chats = (fake, text) => fake.meetings.get('earth').history.filter((e) => e.type === 'chat-message' && e.message.message === text);

test('every POST and DELETE carries an Idempotency-Key, a fresh one per change; GETs carry none', async () => {
  const { fake, meeting, connection } = await connectedMeetings();
  await meeting.join({ displayName: 'Ops', participantId: 'ops' });
  await connection.meeting.sendChatMessage('hello');
  await connection.meeting.sendChatMessage('hello');
  await meeting.leave({ participantId: 'ops' });
  await connection.meeting.end();

  const changes = fake.requests.filter((r) => r.method !== 'GET');
  assert.deepEqual(changes.map((r) => `${r.method} ${r.path}`), [
    'POST /api/meetings/mars/participants',
    'POST /api/meetings/mars/connections/c1/chat-messages',
    'POST /api/meetings/mars/connections/c1/chat-messages',
    'DELETE /api/meetings/mars/participants/ops',
    'POST /api/meetings/mars/connections/c1/end',
  ]);
  for (const { key } of changes) assert.match(key, /^[\x21-\x7e]{1,255}$/);
  assert.equal(new Set(changes.map((r) => r.key)).size, changes.length, 'a different key per change');
  assert.equal(chats(fake, 'hello').length, 2, 'the same message sent twice is two changes');
  assert.ok(fake.requests.filter((r) => r.method === 'GET').every((r) => r.key === undefined));
});

test('a change answered 503 with Retry-After is sent again after it, with the same key, and takes effect once', async () => {
  const { fake, connection } = await connectedMeetings();
  fake.refusals.push({ status: 503, code: 'store-unavailable', retryAfter: 1 });
  const started = Date.now();
  const message = await connection.meeting.sendChatMessage('Hi there');
  const elapsed = Date.now() - started;

  const posts = chatPosts(fake);
  assert.equal(posts.length, 2);
  assert.equal(posts[1].key, posts[0].key);
  assert.ok(elapsed >= 1000, `waited ${elapsed} ms, Retry-After said 1 s`);
  assert.equal(chats(fake, 'Hi there').length, 1);
  assert.deepEqual(message, chats(fake, 'Hi there')[0].message);
});

test('a change whose answer was lost after the bridge acted is sent again with the same key; the replay resolves it', async () => {
  const { fake, connection } = await connectedMeetings();
  fake.dropAnswers = 1;
  const message = await connection.meeting.sendChatMessage('Hi there');
  const posts = chatPosts(fake);
  assert.equal(posts.length, 2);
  assert.equal(posts[1].key, posts[0].key);
  assert.equal(chats(fake, 'Hi there').length, 1, 'carried out once');
  assert.deepEqual(message, chats(fake, 'Hi there')[0].message, 'the first answer, replayed');

  fake.dropAnswers = 1;
  const ended = await connection.meeting.end();
  assert.equal(ended.status, 'ended');
  const ends = fake.requests.filter((r) => r.path === '/api/meetings/mars/connections/c1/end');
  assert.deepEqual(ends.map((r) => r.key), [ends[0].key, ends[0].key]);
  assert.equal(fake.meetings.get('earth').history.filter((e) => e.type === 'meeting-ended').length, 1);
});

test('502, 504 and idempotency-key-in-progress are retried too; other refusals are not', async () => {
  const { fake, connection } = await connectedMeetings();
  fake.refusals.push({ status: 502 }, { status: 504 }, { status: 409, code: 'idempotency-key-in-progress', retryAfter: 0 });
  await connection.meeting.sendChatMessage('through');
  assert.equal(chatPosts(fake).length, 4);
  assert.equal(new Set(chatPosts(fake).map((r) => r.key)).size, 1);
  assert.equal(chats(fake, 'through').length, 1);

  fake.refusals.push({ status: 409, code: 'meeting-ended' });
  const refused = await connection.meeting.sendChatMessage('refused').catch((error) => error);
  assert.ok(refused instanceof BridgeError);
  assert.equal(refused.code, 'meeting-ended');
  assert.equal(chatPosts(fake).length, 5, 'sent once');
});

test('the retry budget (retryForMs) ends with a rejection carrying the last error', async () => {
  const { fake, connection } = await connectedMeetings({ options: { retryForMs: 400 } });
  fake.refusals.push(...Array.from({ length: 50 }, () => ({ status: 503, code: 'store-unavailable' })));
  const started = Date.now();
  const error = await connection.meeting.sendChatMessage('never').catch((e) => e);
  assert.ok(error instanceof BridgeError);
  assert.equal(error.status, 503);
  assert.equal(error.code, 'store-unavailable');
  assert.ok(Date.now() - started < 1000, 'within the budget');
  const posts = chatPosts(fake);
  assert.ok(posts.length > 1, 'retried');
  assert.equal(new Set(posts.map((r) => r.key)).size, 1);
  assert.equal(chats(fake, 'never').length, 0);

  // A Retry-After beyond what is left of the budget: no point waiting for it.
  fake.refusals.splice(0, fake.refusals.length, { status: 503, code: 'store-unavailable', retryAfter: 60 });
  const later = await connection.meeting.sendChatMessage('later').catch((e) => e);
  assert.equal(later.problem.retryAfter, 60);
  assert.equal(chatPosts(fake).length, posts.length + 1);

  // A bridge that cannot be reached at all.
  const keys = [];
  const unreachable = await connect(fake, SERVER, {
    retryForMs: 300,
    fetchImpl: async (url, init) => {
      keys.push(new Headers(init.headers).get('Idempotency-Key'));
      throw new TypeError('fetch failed');
    },
  });
  const lost = await unreachable.createMeeting({ meetingId: 'venus' }).catch((e) => e);
  assert.equal(lost.code, 'unreachable');
  assert.equal(lost.status, 0);
  assert.ok(keys.length > 1);
  assert.equal(new Set(keys).size, 1);
});

test('a session-bound join\'s STOMP SEND carries an idempotency-key', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  const bridge = await connect(fake, { sub: 'me', permissions: ['allow_join'] });
  await bridge.meeting('mars', { join: { displayName: 'Me', bindToSession: true } });
  const sends = fake.socket.frames.filter((f) => f.command === 'SEND');
  assert.equal(sends.length, 1);
  assert.equal(sends[0].headers.destination, '/app/meetings/mars/join');
  assert.match(sends[0].headers['idempotency-key'], /^[\x21-\x7e]{1,255}$/);
});
