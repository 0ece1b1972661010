// The objects an application holds: listeners per object, what listeners get, errors.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeError, EVENT_TYPES } from '../src/index.js';
import { Emitter } from '../src/emitter.js';
import { stompProblem } from '../src/errors.js';
import { closeClients, connect, connectedMeetings as connectedPair } from './clients.js';
import { FakeBridge, eventually, token } from './fake-bridge.js';

afterEach(closeClients);

/** mars connected to earth, where bob is. */
const connectedMeetings = () => connectedPair({ payload: 'Hello Everyone.', inEarth: ['bob'] });

test('following a meeting subscribes to its six topics, once each', async () => {
  const { fake, connection } = await connectedMeetings();
  const destinations = fake.socket.frames.filter((f) => f.command === 'SUBSCRIBE').map((f) => f.headers.destination);
  for (const meetingId of ['mars', 'earth']) {
    assert.deepEqual(destinations.filter((d) => d.startsWith(`/topic/meetings/${meetingId}/`)).sort(),
      EVENT_TYPES.map((type) => `/topic/meetings/${meetingId}/${type}`).sort());
  }
  assert.equal(connection.meeting.participants.get('bob')?.displayName, 'bob');
});

test('off(type) without a listener removes this object\'s listeners only', async () => {
  const { fake, bridge, connection } = await connectedMeetings();
  // The same meeting shown twice: as the other end of mars's connection, and followed directly.
  const earth = await bridge.meeting('earth');
  const heardThroughConnection = [];
  const heardDirectly = [];
  connection.meeting.on('participant-joined', (p) => heardThroughConnection.push(p.id));
  earth.on('participant-joined', (p) => heardDirectly.push(p.id));
  earth.on('participant-joined', (p) => heardDirectly.push(`${p.id}!`));

  earth.off('participant-joined');
  fake.join('earth', 'carol');
  await eventually(() => heardThroughConnection.length === 1, { message: 'carol through the connection' });
  assert.deepEqual(heardThroughConnection, ['carol']);
  assert.deepEqual(heardDirectly, []);
});

test('listeners get the subject, then the event; connection-open gives the Connection', async () => {
  const { fake, meeting } = await connectedMeetings();
  const got = [];
  meeting.on('participant-joined', (participant, event) => got.push([participant.id, event.sequence]));
  const opened = [];
  meeting.on('connection-open', (connection) => opened.push(connection));
  fake.join('mars', 'alice');
  fake.createMeeting('venus');
  fake.publish('mars', { type: 'connection-open', connection: { id: 'c2', payload: '', createdAt: '', meetingId: 'mars', meeting: { id: 'venus', participants: {} } } });
  await eventually(() => opened.length === 1);
  assert.deepEqual(got, [['alice', 1]]);
  assert.equal(opened[0], meeting.connections.get('c2'));
  assert.equal(opened[0].meeting.id, 'venus');
});

test('a connection seen opening before its other meeting lists it is read once that meeting does', async () => {
  const { fake, bridge, meeting } = await connectedMeetings();
  const problems = [];
  bridge.on('error', (problem) => problems.push(problem));
  fake.createMeeting('venus');
  fake.join('venus', 'vera');
  // venus refuses the read until it lists the connection, as the bridge does between the two opens.
  fake.forbidden.add('venus');
  const opened = [];
  meeting.on('connection-open', (connection) => opened.push(connection));
  fake.publish('mars', { type: 'connection-open', connection: { id: 'c2', payload: '', createdAt: '', meetingId: 'mars', meeting: { id: 'venus', participants: {} } } });
  await eventually(() => fake.requests.some((r) => r.method === 'GET' && r.path === '/api/meetings/venus'), { message: 'venus read' });
  fake.forbidden.delete('venus');
  await eventually(() => opened.length === 1);
  await opened[0].ready;
  assert.equal(opened[0].meeting.participants.get('vera')?.displayName, 'vera');
  assert.deepEqual(problems, []);
});

test('a connection whose other meeting keeps refusing is reported, not followed', async () => {
  const { fake, bridge, meeting } = await connectedMeetings();
  const problems = [];
  bridge.on('error', (problem) => problems.push(problem));
  fake.createMeeting('venus');
  fake.forbidden.add('venus');
  const opened = [];
  meeting.on('connection-open', (connection) => opened.push(connection));
  fake.publish('mars', { type: 'connection-open', connection: { id: 'c3', payload: '', createdAt: '', meetingId: 'mars', meeting: { id: 'venus', participants: {} } } });
  await eventually(() => opened.length === 1);
  const error = await opened[0].ready.catch((e) => e);
  assert.equal(error.code, 'forbidden');
  assert.equal(fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/meetings/venus').length, 7, 'tried 1 + 6 times');
  await eventually(() => problems.length === 1, { message: 'reported' });
  assert.equal(problems[0].code, 'forbidden');
});

test('REST refusals reject with a BridgeError carrying the problem details', async () => {
  const fake = new FakeBridge();
  const bridge = await connect(fake);
  const error = await bridge.meeting('nowhere').catch((e) => e);
  assert.ok(error instanceof BridgeError);
  assert.equal(error.status, 404);
  assert.equal(error.code, 'meeting-not-found');
  assert.equal(error.detail, 'Meeting nowhere does not exist');
  assert.equal(bridge.meetings.size, 0, 'nothing left behind');
});

test('a STOMP ERROR frame\'s problem comes from its body, the problem detail, not from a table of codes', () => {
  const body = JSON.stringify({ title: 'Authentication required', status: 401, code: 'unauthenticated', detail: 'the token has expired' });
  assert.deepEqual(stompProblem('unauthenticated: the token has expired', body),
    { title: 'Authentication required', status: 401, code: 'unauthenticated', detail: 'the token has expired' });
  // A frame without a body: the code and detail of its message header, the status unknown.
  assert.deepEqual(stompProblem('subscription-limit: at most 256'),
    { title: 'Refused by the bridge', status: 0, code: 'subscription-limit', detail: 'at most 256' });
  assert.equal(stompProblem(undefined).title, 'Refused by the bridge');
});

test('a listener that throws does not stop the others', () => {
  const emitter = new Emitter();
  const heard = [];
  const original = console.error;
  console.error = () => {};
  try {
    emitter.on('x', () => { throw new Error('boom'); });
    emitter.on('x', (value) => heard.push(value));
    emitter.emit('x', 1);
  } finally {
    console.error = original;
  }
  assert.deepEqual(heard, [1]);
});

test('listeners added or removed by a listener take effect from the next event, with one listener or several', () => {
  for (const alone of [true, false]) {
    const emitter = new Emitter();
    const heard = [];
    const late = (value) => heard.push(`late ${value}`);
    const once = (value) => {
      heard.push(`once ${value}`);
      emitter.off('x', once);
      emitter.on('x', late);
    };
    emitter.on('x', once);
    if (!alone) emitter.on('x', (value) => heard.push(`other ${value}`));
    emitter.emit('x', 1);
    emitter.emit('x', 2);
    emitter.emit('nobody listens', 3);
    assert.deepEqual(heard, alone
      ? ['once 1', 'late 2']
      : ['once 1', 'other 1', 'other 2', 'late 2']);
  }
});

test('a listener added twice is called once, and one off() removes it', () => {
  const emitter = new Emitter();
  const heard = [];
  const listener = (value) => heard.push(value);
  emitter.on('x', listener);
  emitter.on('x', listener);
  assert.equal(emitter.count('x'), 1);
  emitter.emit('x', 1);
  emitter.off('x', listener);
  emitter.emit('x', 2);
  assert.deepEqual(heard, [1]);
  assert.equal(emitter.count('x'), 0);
});
