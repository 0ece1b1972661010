// The JavaScript client (clients/js, as the bridge serves it bundled) in Node against a real bridge.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  BRIDGE_URL, BridgeError, CLIENT_PATH, MeetingBridge, api, connect, createMeeting, eventually, joinAs,
  mint, moderatorToken, participantToken, serverToken, trackingWebSocket, twoMeetings, unique,
} from './support.mjs';

const open = [];
/** Connects and remembers the client so that it is closed after the tests. */
async function client(token, options) {
  const bridge = await connect(token, options);
  open.push(bridge);
  return bridge;
}
after(() => open.forEach((bridge) => bridge.close()));

describe('the ConnectionMeeting API', () => {
  test('the seed document examples run unchanged against two connected meetings', async () => {
    const { mars, earth } = await twoMeetings();
    const alice = unique('alice');
    const bob = unique('bob');

    const bobBridge = await client(participantToken(bob));
    const earthMeeting = await bobBridge.meeting(earth, { join: { displayName: 'Bob' } });
    const opened = [];
    earthMeeting.on('connection-open', (connection) => opened.push(connection));
    const chats = [];
    earthMeeting.on('chat-message', (message) => chats.push(message));

    const bridge = await client(moderatorToken(alice));
    const meeting = await bridge.meeting(mars, { join: { displayName: 'Alice' } });
    assert.deepEqual([...meeting.participants.keys()], [alice]);

    const connection = await meeting.connectTo({ meetingId: earth, payload: 'Hello Everyone.' });
    assert.equal(connection.payload, 'Hello Everyone.');
    assert.equal(connection.meeting.id, earth);
    assert.ok(connection.meeting.participants instanceof Map);
    assert.equal(connection.meeting.participants.get(bob)?.displayName, 'Bob');
    assert.equal(meeting.connections.get(connection.id), connection);

    // The other side sees the connection, with this side's participants.
    await eventually(() => opened.length === 1, { message: 'connection-open on earth' });
    assert.equal(opened[0].meeting.id, mars);
    assert.equal(opened[0].payload, 'Hello Everyone.');
    await opened[0].ready;
    assert.equal(opened[0].meeting.participants.get(alice)?.displayName, 'Alice');
    assert.equal(earthMeeting.connections.get(connection.id), opened[0]);

    // connection.meeting.on('participant-joined' | 'participant-left') with a live participants map.
    const joined = [];
    const left = [];
    connection.meeting.on('participant-joined', (participant) => joined.push(participant));
    connection.meeting.on('participant-left', (participant, event) => left.push([participant, event.reason]));
    await eventually(() => connection.meeting.feed.topics.size === 6);
    const carol = unique('carol');
    await joinAs(earth, carol, 'Carol');
    await eventually(() => joined.length === 1, { message: 'participant-joined over the connection' });
    assert.equal(joined[0].id, carol);
    assert.equal(connection.meeting.participants.get(carol)?.displayName, 'Carol');
    await api('DELETE', `/api/meetings/${earth}/participants/${carol}`, undefined, participantToken(carol));
    await eventually(() => left.length === 1);
    assert.deepEqual(left[0].map((x) => x.id ?? x), [carol, 'left']);
    assert.equal(connection.meeting.participants.has(carol), false);

    // And the other way round: earth sees mars's participants come and go.
    const dave = unique('dave');
    await joinAs(mars, dave, 'Dave');
    await eventually(() => opened[0].meeting.participants.has(dave), { message: 'dave seen from earth' });

    // connection.meeting.sendChatMessage(): lands in earth's chat-message.
    const sent = await connection.meeting.sendChatMessage('Hi there, from MARS!');
    assert.equal(sent.message, 'Hi there, from MARS!');
    assert.equal(sent.sender.id, alice);
    assert.equal(sent.toMeetingId, earth);
    await eventually(() => chats.length === 1, { message: 'chat on earth' });
    assert.equal(chats[0].message, 'Hi there, from MARS!');
    assert.equal(chats[0].fromMeetingId, mars);

    // connection.meeting.end(): everyone in earth leaves, on both sides' views.
    const ended = await connection.meeting.end();
    assert.equal(ended.status, 'ended');
    await eventually(() => earthMeeting.status === 'ended' && earthMeeting.participants.size === 0,
      { message: 'earth ended for bob' });
    await eventually(() => connection.meeting.participants.size === 0, { message: 'earth emptied for alice' });
    await eventually(() => meeting.connections.size === 0 && connection.closed);
    assert.equal(connection.closeReason, 'meeting-ended');
    assert.equal(earthMeeting.connections.size, 0);
    assert.equal(meeting.status, 'active');
  });

  test('following a meeting SUBSCRIBEs to its six topics; a closed connection\'s meeting is UNSUBSCRIBEd', async () => {
    const { mars, earth } = await twoMeetings();
    const alice = unique('alice');
    const { TrackingWebSocket, sent } = trackingWebSocket();
    const bridge = await client(moderatorToken(alice), { webSocketImpl: TrackingWebSocket });
    const meeting = await bridge.meeting(mars, { join: { displayName: 'Alice' } });
    const connection = await meeting.connectTo({ meetingId: earth });
    assert.equal(connection.payload, '');

    const frames = (command) => sent.filter((f) => f.startsWith(`${command}\n`));
    const earthSubscriptions = frames('SUBSCRIBE').filter((f) => f.includes(`destination:/topic/meetings/${earth}/`));
    assert.deepEqual(earthSubscriptions.map((f) => /destination:\/topic\/meetings\/[^/]+\/([^\n]+)/.exec(f)[1]).sort(),
      ['chat-message', 'connection-close', 'connection-open', 'meeting-ended', 'participant-joined', 'participant-left']);
    const ids = earthSubscriptions.map((f) => /\nid:([^\n]+)/.exec(f)[1]);

    // Listeners come and go without touching the subscriptions.
    const listener = () => {};
    connection.meeting.on('chat-message', listener);
    connection.meeting.off('chat-message', listener);
    assert.equal(frames('UNSUBSCRIBE').length, 0);

    await connection.close();
    await eventually(() => connection.closed, { message: 'connection-close' });
    await eventually(() => ids.every((id) => frames('UNSUBSCRIBE').some((f) => f.includes(`\nid:${id}\n`))),
      { message: 'earth unsubscribed after the close', timeoutMs: 10000 });
    const marsIds = frames('SUBSCRIBE').filter((f) => f.includes(`destination:/topic/meetings/${mars}/`))
      .map((f) => /\nid:([^\n]+)/.exec(f)[1]);
    assert.equal(marsIds.length, 6);
    assert.ok(marsIds.every((id) => !frames('UNSUBSCRIBE').some((f) => f.includes(`\nid:${id}\n`))), 'mars stays followed');
  });

  test('events are applied once, in sequence order, across topics', async () => {
    const mars = unique('mars');
    await createMeeting(mars);
    const bridge = await client(serverToken(), { actAs: unique('watcher') });
    const meeting = await bridge.meeting(mars);
    const seen = [];
    for (const type of ['participant-joined', 'participant-left', 'chat-message', 'connection-open', 'connection-close', 'meeting-ended']) {
      meeting.on(type, (_detail, event) => seen.push(event));
    }
    await eventually(() => meeting.feed.topics.size === 6);
    const people = [unique('p'), unique('p'), unique('p')];
    for (const p of people) await joinAs(mars, p);
    await api('DELETE', `/api/meetings/${mars}/participants/${people[1]}`);
    await api('POST', `/api/meetings/${mars}/end`);
    await eventually(() => seen.at(-1)?.type === 'meeting-ended', { message: 'meeting-ended' });
    const sequences = seen.map((e) => e.sequence);
    assert.deepEqual(sequences, sequences.map((_, i) => sequences[0] + i), 'contiguous and ordered');
    assert.deepEqual(seen.map((e) => e.type), [
      'participant-joined', 'participant-joined', 'participant-joined', 'participant-left',
      'participant-left', 'participant-left', 'meeting-ended',
    ]);
    assert.equal(meeting.participants.size, 0);
  });

  test('a server token acts for the participant named in actAs', async () => {
    const { mars, earth } = await twoMeetings();
    const actor = unique('ops');
    const bridge = await client(serverToken(), { actAs: actor });
    assert.equal(bridge.identity.isServer, true);
    const meeting = await bridge.meeting(mars, { join: { displayName: 'Ops' } });
    assert.equal(meeting.participants.get(actor)?.displayName, 'Ops');
    const connection = await meeting.connectTo({ meetingId: earth, payload: 'ops' });
    const message = await connection.meeting.sendChatMessage('from ops');
    assert.equal(message.sender.id, actor);
    await meeting.leave();
    await eventually(() => !meeting.participants.has(actor));
  });
});

describe('errors', () => {
  test('API refusals reject with the problem details', async () => {
    const mars = unique('mars');
    await createMeeting(mars);
    const alice = unique('alice');
    const bridge = await client(moderatorToken(alice));
    const meeting = await bridge.meeting(mars, { join: { displayName: 'Alice' } });

    const self = await meeting.connectTo({ meetingId: mars }).catch((error) => error);
    assert.ok(self instanceof BridgeError);
    assert.equal(self.status, 400);
    assert.equal(self.code, 'self-connection');
    assert.ok(self.title);
    assert.equal(self.problem.code, 'self-connection');

    const missing = await bridge.meeting(unique('nowhere')).catch((error) => error);
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'meeting-not-found');

    const invalid = await meeting.join({ displayName: '   ' }).catch((error) => error);
    assert.equal(invalid.status, 400);
    assert.equal(invalid.code, 'validation-failed');
    assert.ok(invalid.errors.length > 0);

    const bob = unique('bob');
    const plain = await client(participantToken(bob));
    const forbidden = await plain.meeting(mars).catch((error) => error);
    assert.equal(forbidden.status, 403, 'not a member');
    assert.equal(forbidden.code, 'forbidden');
    const joined = await plain.meeting(mars, { join: { displayName: 'Bob' } });
    const notMod = await joined.connectTo({ meetingId: unique('x') }).catch((error) => error);
    assert.equal(notMod.code, 'forbidden');

    await meeting.end();
    const ended = await meeting.join({ displayName: 'Again' }).catch((error) => error);
    assert.equal(ended.status, 409);
    assert.equal(ended.code, 'meeting-ended');
  });

  test('a bad token rejects connect with unauthenticated', async () => {
    const error = await connect('not-a-token').catch((e) => e);
    assert.ok(error instanceof BridgeError);
    assert.equal(error.code, 'unauthenticated');
    assert.equal(error.status, 401);
  });
});

describe('refusals and tokens', () => {
  test('a refused SUBSCRIBE reads its problem from the ERROR frame\'s body', async () => {
    const bridge = await client(participantToken(unique('eve')));
    const reported = [];
    bridge.on('error', (problem) => reported.push(problem));
    const refused = await bridge.subscribe(`/topic/meetings/${unique('elsewhere')}/chat-message`, () => {}).catch((e) => e);
    assert.ok(refused instanceof BridgeError);
    assert.equal(refused.status, 403);
    assert.equal(refused.code, 'forbidden');
    assert.notEqual(refused.title, 'Refused by the bridge', 'the title is the problem detail\'s');
    assert.equal(reported[0]?.status, 403);
  });

  test('a token is accepted up to 60 s after its exp (clock skew), refused after with invalid_token, and the client says so', async () => {
    const meetingId = unique('mars');
    await createMeeting(meetingId);
    const read = (token) => fetch(`${BRIDGE_URL}/api/meetings/${meetingId}`, { headers: { Authorization: `Bearer ${token}` } });
    const issued = Math.floor(Date.now() / 1000) - 3600; // an hour-long token near its end (iat before exp)
    assert.equal((await read(mint({ sub: 'server', roles: ['server'], iat: issued }, -30))).status, 200, '30 s past exp');
    const late = await read(mint({ sub: 'server', roles: ['server'], iat: issued }, -90));
    assert.equal(late.status, 401, '90 s past exp');
    assert.match(late.headers.get('www-authenticate'), /^Bearer error="invalid_token"/);
    const none = await fetch(`${BRIDGE_URL}/api/meetings/${meetingId}`);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');

    // A client whose token the bridge refuses on a call hears token-expired, refused; setToken() goes on.
    const bridge = await client(serverToken());
    const expired = [];
    bridge.on('token-expired', (detail) => expired.push(detail));
    const valid = serverToken();
    bridge.setToken(`${valid.slice(0, valid.lastIndexOf('.'))}.${'A'.repeat(43)}`); // forged: not its signature
    const error = await bridge.readMeeting(meetingId).catch((e) => e);
    assert.equal(error.status, 401);
    await eventually(() => expired.length === 1, { message: 'token-expired' });
    assert.equal(expired[0].refused, true);
    bridge.setToken(serverToken());
    assert.equal((await bridge.readMeeting(meetingId)).id, meetingId);
  });
});

describe('reconnecting', () => {
  test('reconnects by itself and fills what it missed from the history', async () => {
    const { mars, earth } = await twoMeetings();
    const alice = unique('alice');
    const bob = unique('bob');
    await joinAs(earth, bob, 'Bob');
    const { TrackingWebSocket, sockets } = trackingWebSocket();
    const bridge = await client(moderatorToken(alice), { webSocketImpl: TrackingWebSocket, reconnectDelayMs: 300 });
    const states = [];
    bridge.on('state', (state) => states.push(state));
    const meeting = await bridge.meeting(mars, { join: { displayName: 'Alice' } });
    const connection = await meeting.connectTo({ meetingId: earth });
    const marsEvents = [];
    meeting.on('*', (event) => marsEvents.push(event));
    const earthJoined = [];
    connection.meeting.on('participant-joined', (p) => earthJoined.push(p.id));

    let reconnected = false;
    bridge.on('reconnected', () => { reconnected = true; });
    // Block the next reconnect attempts for a moment: the bridge publishes while we are away.
    sockets.at(-1).terminate();
    await eventually(() => bridge.state === 'reconnecting');
    const dave = unique('dave');
    const erin = unique('erin');
    const frank = unique('frank');
    await joinAs(mars, dave, 'Dave');
    await joinAs(mars, erin, 'Erin');
    await api('DELETE', `/api/meetings/${mars}/participants/${erin}`);
    await joinAs(earth, frank, 'Frank');

    await eventually(() => reconnected, { timeoutMs: 15000, message: 'reconnected' });
    assert.deepEqual(states.slice(0, 2), ['reconnecting', 'connected']);
    assert.ok(sockets.length >= 2, 'a new socket');
    assert.deepEqual([...meeting.participants.keys()].sort(), [alice, dave].sort());
    assert.ok(connection.meeting.participants.has(frank), 'gap filled on the connected meeting too');
    assert.ok(earthJoined.includes(frank));
    const live = marsEvents.filter((e) => e.type !== 'sync');
    assert.deepEqual(live.map((e) => e.type), ['participant-joined', 'participant-joined', 'participant-left']);
    assert.deepEqual(live.map((e) => e.sequence), [live[0].sequence, live[0].sequence + 1, live[0].sequence + 2]);

    // And it is live again afterwards.
    const gina = unique('gina');
    await joinAs(mars, gina, 'Gina');
    await eventually(() => meeting.participants.has(gina), { message: 'live after reconnect' });
  });
});

describe('switchTo', () => {
  test('a move makes the participant leave one meeting and join the other, and its client follows the target', async () => {
    const { mars, earth } = await twoMeetings();
    const venus = unique('venus');
    await createMeeting(venus);
    const alice = unique('alice');
    const bob = unique('bob');
    const bobBridge = await client(participantToken(bob, 'allow_join'));
    const earthMeeting = await bobBridge.meeting(earth, { join: { displayName: 'Bob', bindToSession: true } });
    const switches = [];
    earthMeeting.on('switch-meeting', (message, target) => switches.push({ message, target }));
    const lost = [];
    earthMeeting.on('lost', (detail) => lost.push(detail));
    // Bob's session is open and follows earth (its switch queue is subscribed before his topics).
    await eventually(() => earthMeeting.feed.topics.size === 6, { message: "Bob's topics" });

    const seenFromEarth = [];
    earthMeeting.on('connection-open', (connection) => seenFromEarth.push(connection));

    const bridge = await client(moderatorToken(alice));
    const meeting = await bridge.meeting(mars, { join: { displayName: 'Alice' } });
    const connection = await meeting.connectTo({ meetingId: earth });
    const left = [];
    connection.meeting.on('participant-left', (participant, event) => left.push(event));
    await eventually(() => connection.meeting.feed.topics.size === 6);
    // Bob's client follows mars too once it sees the connection open. Let it finish: a SUBSCRIBE
    // to mars still on its way when Bob is moved would be refused (he no longer sees mars from
    // earth), and a refused SUBSCRIBE closes his session with an ERROR frame, switch queue and all.
    await eventually(() => seenFromEarth.length === 1, { message: 'connection-open on earth' });
    await seenFromEarth[0].ready;

    const answer = await connection.meeting.participants.get(bob).switchTo({ meetingId: venus, payload: 'to venus', move: true });

    assert.equal(answer.sessions, 1);
    await eventually(() => switches.length === 1, { message: 'switch-meeting' });
    assert.equal(switches[0].message.moved, true);
    assert.equal(switches[0].message.payload, 'to venus');
    assert.equal(switches[0].message.connectionParticipantId, alice);
    assert.equal(switches[0].target.id, venus);
    assert.equal(switches[0].target.participants.get(bob)?.displayName, 'Bob');
    await eventually(() => lost.length === 1, { message: 'earth lost' });
    assert.equal(lost[0].reason, 'switched');
    await eventually(() => left.length === 1, { message: 'participant-left over the connection' });
    assert.equal(left[0].reason, 'switched');
    assert.equal(left[0].to, venus);
    assert.deepEqual(Object.keys((await api('GET', `/api/meetings/${venus}`)).participants), [bob]);
    assert.deepEqual(Object.keys((await api('GET', `/api/meetings/${earth}`)).participants), []);
  });
});

test('the bridge serves this client at /client/meeting-bridge.js', async () => {
  const response = await fetch(`${BRIDGE_URL}/client/meeting-bridge.js`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /javascript/);
  assert.equal(await response.text(), await readFile(CLIENT_PATH, 'utf8'));
  assert.equal(typeof MeetingBridge.connect, 'function');
});
