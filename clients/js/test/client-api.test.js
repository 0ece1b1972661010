// What an application meets first: event names checked as it types them, errors that say when
// to retry, a token that announces its end and can be replaced, a meeting that says when it can
// no longer be followed, history read to its end whatever page size the bridge allows.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BridgeError, MeetingBridge } from '../src/index.js';
import { closeClients, connect, connectedMeetings } from './clients.js';
import { FakeBridge, eventually, token } from './fake-bridge.js';

afterEach(closeClients);

test('on() with VideoSDK\'s spelling chat-meesage hears chat-message; off() with it stops', async () => {
  const { fake, bridge, connection } = await connectedMeetings();
  const heard = [];
  const listener = (message) => heard.push(message.message);
  connection.meeting.on('chat-meesage', listener);
  await bridge.request('POST', '/api/meetings/mars/connections/c1/chat-messages', { message: 'Hi there, from MARS!' });
  await eventually(() => heard.length === 1, { message: 'the chat message' });
  assert.deepEqual(heard, ['Hi there, from MARS!']);
  connection.meeting.off('chat-meesage', listener);
  await bridge.request('POST', '/api/meetings/mars/connections/c1/chat-messages', { message: 'again' });
  await eventually(() => fake.meetings.get('earth').sequence === 2);
  assert.deepEqual(heard, ['Hi there, from MARS!']);
});

test('on() with a name no object emits throws a TypeError that names the valid ones', async () => {
  const { bridge, meeting, connection } = await connectedMeetings();
  assert.throws(() => connection.meeting.on('chat-mesage', () => {}),
    (error) => error instanceof TypeError && /'chat-mesage'/.test(error.message)
      && ['participant-joined', 'participant-left', 'chat-message', 'meeting-ended', 'sync'].every((type) => error.message.includes(type)));
  assert.throws(() => meeting.on('participant_joined', () => {}), TypeError);
  assert.throws(() => meeting.off('joined'), TypeError);
  assert.throws(() => bridge.on('connected', () => {}), /its events are state, error, reconnected, token-expiring, token-expired/);
  meeting.on('lost', () => {}); // the caller's own meeting also says when it is lost
  assert.throws(() => connection.meeting.on('lost', () => {}), TypeError);
});

test('a BridgeError carries retryAfter, the seconds of a 503\'s Retry-After', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  const bridge = await connect(fake, undefined, { retryForMs: 0 });
  fake.refusals.push({ status: 503, code: 'store-unavailable', retryAfter: 2 });
  const error = await bridge.endMeeting('mars').catch((e) => e);
  assert.ok(error instanceof BridgeError);
  assert.equal(error.status, 503);
  assert.equal(error.retryAfter, 2);
  fake.refusals.push({ status: 409, code: 'meeting-ended' });
  assert.equal((await bridge.endMeeting('mars').catch((e) => e)).retryAfter, undefined);
});

test('token-expiring comes tokenWarningMs before exp, token-expired at exp; setToken() starts over for the new token', async () => {
  const fake = new FakeBridge();
  const inThreeSeconds = Math.floor(Date.now() / 1000) + 3;
  const bridge = await connect(fake, { sub: 'ops', roles: ['server'], exp: inThreeSeconds }, { tokenWarningMs: 1000 });
  const heard = [];
  bridge.on('token-expiring', (detail) => heard.push(['expiring', detail]));
  bridge.on('token-expired', (detail) => heard.push(['expired', detail]));
  await eventually(() => heard.length === 2, { timeoutMs: 6000, message: 'both token events' });
  assert.equal(heard[0][0], 'expiring');
  assert.equal(heard[0][1].expiresAt, new Date(inThreeSeconds * 1000).toISOString());
  // A timer may fire a millisecond before Date.now() says it is due.
  assert.ok(heard[0][1].inMs <= 1005 && heard[0][1].inMs > 0, `inMs ${heard[0][1].inMs}`);
  assert.deepEqual(heard[1], ['expired', { expiresAt: new Date(inThreeSeconds * 1000).toISOString(), refused: false }]);

  bridge.setToken(token({ sub: 'ops', roles: ['server'] })); // an hour
  assert.equal(bridge.identity.exp > inThreeSeconds, true);
  assert.equal(heard.length, 2, 'nothing for a token an hour from its end');
});

test('a 401 is reported once as token-expired (refused), and a closed client reconnects after setToken()', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  const bridge = await connect(fake);
  const expired = [];
  bridge.on('token-expired', (detail) => expired.push(detail));
  fake.refusesToken = true;
  const error = await bridge.readMeeting('mars').catch((e) => e);
  assert.equal(error.status, 401);
  await bridge.readMeeting('mars').catch(() => {});
  assert.equal(expired.length, 1);
  assert.equal(expired[0].refused, true);
  assert.equal(expired[0].problem.code, 'unauthenticated');

  // The bridge closed the session for the token (an ERROR frame on CONNECT after a drop): setToken reconnects.
  bridge.state = 'closed';
  bridge.closedByRefusal = true;
  fake.refusesToken = false;
  bridge.setToken(token({ sub: 'ops', roles: ['server'] }));
  await eventually(() => bridge.state === 'connected', { message: 'reconnected with the new token' });
  assert.equal((await bridge.readMeeting('mars')).id, 'mars');
});

test('a meeting whose own participant left says so with lost, and stops following', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  const bridge = await connect(fake, { sub: 'me', permissions: ['allow_join'] });
  const meeting = await bridge.meeting('mars', { join: { displayName: 'Me' } });
  const lost = [];
  meeting.on('lost', (detail) => lost.push(detail));
  fake.publish('mars', { type: 'participant-left', participant: fake.meetings.get('mars').participants.get('me'), reason: 'disconnected' });
  await eventually(() => lost.length === 1, { message: 'lost' });
  assert.deepEqual(lost[0], { type: 'lost', meetingId: 'mars', reason: 'disconnected' });
  assert.equal(meeting.attached, false);
});

test('a catch-up refused with 403 makes the meeting lost, with the problem', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  const bridge = await connect(fake);
  const meeting = await bridge.meeting('mars');
  const lost = [];
  meeting.on('lost', (detail) => lost.push(detail));
  fake.forbidden.add('mars');
  fake.join('mars', 'alice', { deliver: false });
  fake.join('mars', 'bob'); // a gap: the fill is refused
  await eventually(() => lost.length === 1, { message: 'lost' });
  assert.equal(lost[0].reason, 'forbidden');
  assert.equal(lost[0].problem.status, 403);
  assert.equal(meeting.attached, false);
});

test('a gap is filled to the end of the history when the bridge answers fewer events per page than asked', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  fake.historyLimit = 3;
  const bridge = await connect(fake);
  const meeting = await bridge.meeting('mars');
  for (let i = 0; i < 10; i++) fake.join('mars', `p${i}`, { deliver: false });
  fake.join('mars', 'last');
  await eventually(() => meeting.sequence === 11, { message: 'sequence 11' });
  assert.deepEqual([...meeting.participants.keys()].sort(), fake.participantIds('mars'));
});

const historyLimits = (fake) => fake.calls.filter((call) => call.includes('/events?after=') && !/[?&]limit=1(&|$)/.test(call))
  .map((call) => Number(/[?&]limit=(\d+)/.exec(call)[1]));

test('a bridge that refuses the page size (400 naming limit) is read with the size it states, from then on', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  fake.maxHistoryLimit = 4;
  const bridge = await connect(fake);
  const meeting = await bridge.meeting('mars');
  const problems = [];
  bridge.on('error', (problem) => problems.push(problem));
  for (let i = 0; i < 10; i++) fake.join('mars', `p${i}`, { deliver: false });
  fake.join('mars', 'last');
  await eventually(() => meeting.sequence === 11, { message: 'sequence 11' });
  assert.deepEqual([...meeting.participants.keys()].sort(), fake.participantIds('mars'));
  const [refused, ...read] = historyLimits(fake);
  assert.equal(refused, 1000);
  assert.ok(read.length >= 3 && read.every((limit) => limit === 4), `limits ${read}`);

  for (let i = 0; i < 3; i++) fake.join('mars', `q${i}`, { deliver: false });
  fake.join('mars', 'later');
  await eventually(() => meeting.sequence === 15, { message: 'sequence 15' });
  assert.ok(historyLimits(fake).slice(read.length + 1).every((limit) => limit === 4), 'asked for 4 straight away');
  assert.deepEqual(problems, []);
});

test('historyPage sets the events asked for per history read', async () => {
  const fake = new FakeBridge();
  fake.createMeeting('mars');
  const bridge = await connect(fake, undefined, { historyPage: 2 });
  const meeting = await bridge.meeting('mars');
  for (let i = 0; i < 5; i++) fake.join('mars', `p${i}`, { deliver: false });
  fake.join('mars', 'last');
  await eventually(() => meeting.sequence === 6, { message: 'sequence 6' });
  assert.ok(historyLimits(fake).every((limit) => limit === 2), `limits ${historyLimits(fake)}`);
  assert.equal(meeting.participants.size, 6);
});

test('a refused SUBSCRIBE reports the problem of the ERROR frame\'s body', async () => {
  const fake = new FakeBridge();
  const bridge = await connect(fake);
  const problems = [];
  bridge.on('error', (problem) => problems.push(problem));
  await assert.rejects(bridge.subscribe('/topic/nowhere', () => {}), (error) => error.status === 404 && error.code === 'unknown-destination');
  assert.equal(problems[0].title, 'Unknown destination');
});

test('the meeting objects and feeds use only what MeetingBridge offers as methods, none of its fields', async () => {
  const methods = new Set();
  for (let type = MeetingBridge.prototype; type !== Object.prototype; type = Object.getPrototypeOf(type)) {
    Object.getOwnPropertyNames(type).forEach((name) => methods.add(name));
  }
  for (const file of ['meeting.js', 'connection.js', 'view.js', 'feed.js', 'topics.js', 'catch-up.js', 'history.js']) {
    const source = await readFile(new URL(`../src/${file}`, import.meta.url), 'utf8');
    const used = new Set([...source.matchAll(/(?<![/.])\bbridge\.(?!js\b)(\w+)/g)].map((match) => match[1]));
    assert.deepEqual([...used].filter((name) => !methods.has(name)), [], file);
  }
});

/**
 * mars connected to earth, venus beside them, and Pat ('me', a participant token) in earth,
 * shown on mars's side of the connection; Pat's earth records what `switch-meeting` it hears.
 * @param {{bindToSession?: boolean}} [options] how Pat joins earth
 */
async function patInEarth({ bindToSession = false } = {}) {
  const { fake, connection } = await connectedMeetings();
  fake.createMeeting('venus');
  const pat = await connect(fake, { sub: 'me', permissions: ['allow_join'] });
  const earth = await pat.meeting('earth', { join: { displayName: 'Pat', bindToSession } });
  const heard = [];
  earth.on('switch-meeting', (message, target) => heard.push({ message, target }));
  await eventually(() => connection.meeting.participants.has('me'), { message: 'me shown on the other side' });
  return { fake, connection, pat, earth, heard, patOnMars: connection.meeting.participants.get('me') };
}

test('switchTo() on a connection meeting\'s participant asks it to switch; its meeting hears switch-meeting', async () => {
  const { fake, earth, heard, patOnMars } = await patInEarth();

  const answer = await patOnMars.switchTo({ meetingId: 'venus', token: 'for-venus', payload: 'come' });

  assert.equal(answer.switchId, 'sw_1');
  assert.equal(answer.sessions, 2);
  const request = fake.requests.find((r) => r.path.endsWith('/switch'));
  assert.equal(request.path, '/api/meetings/mars/connections/c1/participants/me/switch');
  assert.deepEqual(request.body, { meetingId: 'venus', token: 'for-venus', payload: 'come' });
  await eventually(() => heard.length === 1, { message: 'switch-meeting' });
  assert.equal(heard[0].message.meetingId, 'venus');
  assert.equal(heard[0].message.token, 'for-venus');
  assert.equal(heard[0].message.moved, false);
  assert.equal(heard[0].target, undefined);
  assert.equal(earth.attached, true);
});

test('a switch-meeting told again with the same switch id (a retried move) is heard once', async () => {
  const { fake, heard, patOnMars } = await patInEarth();

  await patOnMars.switchTo({ meetingId: 'venus', payload: 'come' });
  await eventually(() => heard.length === 1, { message: 'switch-meeting' });
  const again = { ...heard[0].message };
  assert.equal(fake.sendSwitch(again), 2);
  fake.sendSwitch({ ...again, switchId: 'sw_other' });

  await eventually(() => heard.length === 2, { message: 'the other switch' });
  assert.deepEqual(heard.map(({ message }) => message.switchId), ['sw_1', 'sw_other']);
});

test('when the bridge moved the participant (moved), its client follows the target and stops following where it was', async () => {
  const { pat, earth, heard, patOnMars } = await patInEarth({ bindToSession: true });
  const lost = [];
  earth.on('lost', (detail) => lost.push(detail));

  await patOnMars.switchTo({ meetingId: 'venus', move: true });

  await eventually(() => heard.length === 1, { message: 'switch-meeting' });
  assert.equal(heard[0].message.moved, true);
  assert.equal(heard[0].target.id, 'venus');
  assert.equal(heard[0].target.attached, true);
  assert.ok(heard[0].target.participants.has('me'));
  await eventually(() => lost.length === 1, { message: 'earth lost' });
  assert.equal(lost[0].reason, 'switched');
  assert.equal(earth.attached, false);
  assert.equal(pat.recovery.bound.has('venus'), true);
  assert.equal(pat.recovery.bound.has('earth'), false);
});
