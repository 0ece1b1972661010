// A meeting shown on more than one ground: the bridge keeps a subscription while one of the grounds
// it was made on holds (membership, or a connection from a meeting the participant is in) and
// drops it without a word when the last one goes. The client must go on hearing a meeting that it
// still shows on other grounds. The fake bridge drops subscriptions as the bridge does.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeClients, connect, connectedMeetings } from './clients.js';
import { FakeBridge, eventually } from './fake-bridge.js';

afterEach(closeClients);

const PAT = Object.freeze({ sub: 'me', permissions: ['allow_join'] });

/** The topics of a meeting that the live session is subscribed to, each once. */
function subscribedTo(fake, meetingId) {
  return [...fake.socket.subscriptions.values()].filter((d) => d.startsWith(`/topic/meetings/${meetingId}/`)).sort();
}

/** Connects `from` to `to` (both sides list it), as the bridge does. */
function connectMeetings(fake, id, from, to) {
  const createdAt = new Date().toISOString();
  fake.meetings.get(from).connections.push({ id, payload: '', createdAt, meetingId: from, meeting: { id: to, participants: {} } });
  fake.meetings.get(to).connections.push({ id, payload: '', createdAt, meetingId: to, meeting: { id: from, participants: {} } });
}

test('moved into the meeting it watched through a connection, the client goes on hearing it, though the leave comes after the move and nobody follows the meeting it left', async () => {
  const { fake, connection } = await connectedMeetings();
  connectMeetings(fake, 'c2', 'earth', 'mars');
  const pat = await connect(fake, PAT);
  const earth = await pat.meeting('earth', { join: { displayName: 'Pat', bindToSession: true } });
  await earth.connections.get('c2').ready;
  await eventually(() => connection.meeting.participants.has('me'), { message: 'Pat shown on the other side' });
  /** @type {import('../src/meeting.js').Meeting[]} */
  const targets = [];
  earth.on('switch-meeting', (message, target) => targets.push(target));
  // The switch-meeting arrives before the leave of earth (it comes on another instance's channel),
  // and the application stops showing earth at once, as the console does.
  fake.withholdLeaves = true;

  await connection.meeting.participants.get('me').switchTo({ meetingId: 'mars', move: true });
  await eventually(() => targets.length === 1, { message: 'switch-meeting' });
  const mars = targets[0];
  assert.ok(mars.participants.has('me'));
  earth.dispose();
  for (const event of fake.withheld.splice(0)) fake.deliver(event);
  fake.join('mars', 'ann');

  await eventually(() => mars.participants.has('ann'), { message: 'a join in mars after the move' });
  assert.equal(mars.attached, true);
  assert.equal(subscribedTo(fake, 'mars').length, 6);
});

test('a meeting watched through two connections goes on after one of them closes', async () => {
  const fake = new FakeBridge();
  for (const id of ['earth', 'venus', 'mars']) fake.createMeeting(id);
  connectMeetings(fake, 'c1', 'earth', 'mars');
  const pat = await connect(fake, PAT);
  const earth = await pat.meeting('earth', { join: { displayName: 'Pat' } });
  await earth.connections.get('c1').ready;
  // Venus connects to mars only now: the subscriptions to mars were made without that ground.
  connectMeetings(fake, 'c2', 'venus', 'mars');
  const venus = await pat.meeting('venus', { join: { displayName: 'Pat' } });
  const throughVenus = venus.connections.get('c2');
  await throughVenus.ready;

  fake.meetings.get('earth').connections = [];
  fake.publish('earth', { type: 'connection-close', connectionId: 'c1', reason: 'closed' });
  await eventually(() => earth.connections.size === 0, { message: 'c1 closed' });
  fake.join('mars', 'ann');

  await eventually(() => throughVenus.meeting.participants.has('ann'), { message: 'a join in mars, seen through venus' });
});

test('after leaving a meeting it still watches through a connection, the client hears it through the connection', async () => {
  const fake = new FakeBridge();
  for (const id of ['earth', 'mars']) fake.createMeeting(id);
  connectMeetings(fake, 'c1', 'earth', 'mars');
  const pat = await connect(fake, PAT);
  const mars = await pat.meeting('mars', { join: { displayName: 'Pat' } });
  // Pat joins earth only now: the subscriptions to mars were made on Pat's membership alone.
  const earth = await pat.meeting('earth', { join: { displayName: 'Pat' } });
  const throughEarth = earth.connections.get('c1');
  await throughEarth.ready;
  const lost = [];
  mars.on('lost', (detail) => lost.push(detail.reason));

  await mars.leave();
  assert.deepEqual(lost, ['left']);
  assert.equal(mars.attached, false);
  fake.join('mars', 'ann');

  await eventually(() => throughEarth.meeting.participants.has('ann'), { message: 'a join in mars, seen through earth' });
  assert.equal(throughEarth.meeting.participants.has('me'), false);
  assert.equal(mars.attached, false);
  assert.equal(subscribedTo(fake, 'mars').length, 6);
});
