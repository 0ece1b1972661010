// What ends what the client follows, and how soon it lets go: a participant's own leave, a
// closed connection, the end of a meeting at either end of one. The client waits for the event
// that finishes each, never a fixed time; lastEventWaitMs bounds a wait whose event never comes.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeClients, connect, connectedMeetings } from './clients.js';
import { FakeBridge, eventually } from './fake-bridge.js';

afterEach(closeClients);

const PARTICIPANT = { sub: 'me', permissions: ['allow_join'] };

/** Whether every topic of the meeting the client subscribed to was UNSUBSCRIBEd. */
function unsubscribedFrom(fake, meetingId) {
  const frames = fake.socket.frames;
  const ids = frames.filter((f) => f.command === 'SUBSCRIBE' && f.headers.destination.startsWith(`/topic/meetings/${meetingId}/`))
    .map((f) => f.headers.id);
  const gone = new Set(frames.filter((f) => f.command === 'UNSUBSCRIBE').map((f) => f.headers.id));
  return ids.length === 6 && ids.every((id) => gone.has(id));
}

/** Resolves with whether the promise settled within `ms`. */
const settlesWithin = (promise, ms) => Promise.race([promise.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), ms))]);

test('leave() resolves as soon as its own participant-left arrives, however long that takes, and the meeting is no longer followed', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  const bridge = await connect(fake, PARTICIPANT);
  const meeting = await bridge.meeting('mars', { join: { displayName: 'Me' } });
  const lost = [];
  meeting.on('lost', (detail) => lost.push(detail));
  fake.withholdLeaves = true;

  const leaving = meeting.leave();
  // Longer than any fixed wait the client could have: it still waits, for the event.
  assert.equal(await settlesWithin(leaving, 2500), false, 'leave() waits for its participant-left');
  assert.equal(meeting.attached, true);

  const delivered = Date.now();
  fake.withheld.forEach((event) => fake.deliver(event));
  await leaving;
  assert.ok(Date.now() - delivered < 500, `resolved ${Date.now() - delivered} ms after the event`);
  assert.equal(meeting.attached, false);
  assert.deepEqual(lost, [{ type: 'lost', meetingId: 'mars', reason: 'left' }]);
});

test('leave() whose participant-left never comes stops following after lastEventWaitMs', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  const bridge = await connect(fake, PARTICIPANT, { lastEventWaitMs: 200 });
  const meeting = await bridge.meeting('mars', { join: { displayName: 'Me' } });
  fake.withholdLeaves = true;
  const started = Date.now();
  await meeting.leave();
  assert.ok(Date.now() - started >= 150, 'waited for the event first');
  assert.equal(meeting.attached, false);
});

test('a closed connection lets the other meeting go at once: its topics are unsubscribed on the close', async () => {
  const { fake, connection } = await connectedMeetings();
  const closed = Date.now();
  fake.publish('mars', { type: 'connection-close', connectionId: 'c1', reason: 'closed' });
  await eventually(() => unsubscribedFrom(fake, 'earth'), { timeoutMs: 1000, message: 'earth unsubscribed' });
  assert.ok(Date.now() - closed < 500, `let go ${Date.now() - closed} ms after the close`);
  assert.equal(connection.closed, true);
  assert.equal(connection.closeReason, 'closed');
  assert.equal(unsubscribedFrom(fake, 'mars'), false, 'mars stays followed');
});

test('when the other meeting ends, its view follows the cascade to its meeting-ended, then lets go', async () => {
  const { fake, connection } = await connectedMeetings({ inEarth: ['bob'] });
  const heard = [];
  connection.meeting.on('*', (event) => heard.push(event.type));
  // This side of the connection closes first (the bridge closes it while earth ends).
  fake.publish('mars', { type: 'connection-close', connectionId: 'c1', reason: 'meeting-ended' });
  await eventually(() => connection.closed, { message: 'closed' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(unsubscribedFrom(fake, 'earth'), false, 'earth followed while it ends');

  const bob = fake.meetings.get('earth').participants.get('bob');
  fake.publish('earth', { type: 'participant-left', participant: bob, reason: 'meeting-ended' });
  fake.publish('earth', { type: 'connection-close', connectionId: 'c1', reason: 'meeting-ended' });
  fake.publish('earth', { type: 'meeting-ended' });
  await eventually(() => unsubscribedFrom(fake, 'earth'), { timeoutMs: 1000, message: 'earth unsubscribed after its end' });
  assert.deepEqual(heard, ['participant-left', 'connection-close', 'meeting-ended']);
  assert.equal(connection.meeting.status, 'ended');
  assert.equal(connection.meeting.participants.size, 0);
});

test('when this meeting ends, the other meeting is let go on this meeting\'s meeting-ended', async () => {
  const { fake, meeting, connection } = await connectedMeetings();
  fake.publish('mars', { type: 'connection-close', connectionId: 'c1', reason: 'meeting-ended' });
  fake.publish('earth', { type: 'connection-close', connectionId: 'c1', reason: 'meeting-ended' });
  await eventually(() => connection.closed, { message: 'closed' });
  assert.equal(unsubscribedFrom(fake, 'earth'), false);
  fake.publish('mars', { type: 'meeting-ended' });
  await eventually(() => unsubscribedFrom(fake, 'earth'), { timeoutMs: 1000, message: 'earth unsubscribed' });
  assert.equal(meeting.status, 'ended');
});

test('a meeting\'s end whose last event never comes is let go after lastEventWaitMs', async () => {
  const { fake, connection } = await connectedMeetings({ options: { lastEventWaitMs: 200 } });
  const closed = Date.now();
  fake.publish('mars', { type: 'connection-close', connectionId: 'c1', reason: 'meeting-ended' });
  await eventually(() => unsubscribedFrom(fake, 'earth'), { timeoutMs: 2000, message: 'earth unsubscribed' });
  assert.ok(Date.now() - closed >= 150, 'waited for the end first');
  assert.equal(connection.closed, true);
});
