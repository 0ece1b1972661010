// Gap filling, reconnects and resyncs against a bridge in memory (test/fake-bridge.js).
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeClients, connect } from './clients.js';
import { FakeBridge, eventually, token } from './fake-bridge.js';

afterEach(closeClients);

/** A server-token client of the fake, following `mars`, recording what its listeners get. */
async function following(fake, meetingId = 'mars') {
  const bridge = await connect(fake);
  const meeting = await bridge.meeting(meetingId);
  const seen = [];
  meeting.on('*', (event) => seen.push(event));
  return { bridge, meeting, seen };
}

const sequences = (seen) => seen.filter((e) => e.type !== 'sync').map((e) => e.sequence);
const syncs = (seen) => seen.filter((e) => e.type === 'sync');
const historyReads = (fake) => fake.calls.filter((call) => call.includes('/events?after=') && !/[?&]limit=1(&|$)/.test(call));

describe('a jump in the sequence on a live subscription', () => {
  test('fills the gap from the history before applying the newer event', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    fake.join('mars', 'alice');
    const { meeting, seen } = await following(fake);
    assert.equal(meeting.sequence, 1);

    fake.join('mars', 'bob');
    fake.join('mars', 'carol', { deliver: false });
    fake.leave('mars', 'bob', { deliver: false });
    fake.join('mars', 'dave', { deliver: false });
    fake.join('mars', 'erin');

    await eventually(() => meeting.sequence === 6, { message: 'sequence 6' });
    assert.deepEqual(sequences(seen), [2, 3, 4, 5, 6], 'every event once, in order');
    assert.deepEqual([...meeting.participants.keys()].sort(), fake.participantIds('mars'));
    // From the last applied event on (to check it is still there), in the epoch the state belongs to.
    assert.deepEqual(historyReads(fake), ['GET /api/meetings/mars/events?after=1&limit=1000&epoch=e1']);
    await eventually(() => syncs(seen).length === 1);
    assert.deepEqual(syncs(seen)[0], { type: 'sync', meetingId: 'mars', sequence: 6, reason: 'gap', reloaded: false });
  });

  test('holds events that arrive while it fills and applies them once, in order', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { meeting, seen } = await following(fake);
    let open;
    fake.gate = new Promise((resolve) => { open = resolve; });
    fake.join('mars', 'alice', { deliver: false });
    fake.join('mars', 'bob');
    await eventually(() => historyReads(fake).length === 1, { message: 'the fill under way' });
    fake.join('mars', 'carol');
    fake.join('mars', 'dave', { deliver: false });
    fake.join('mars', 'erin');
    assert.deepEqual(sequences(seen), [], 'nothing applied past the gap while filling');
    fake.gate = undefined;
    open();

    await eventually(() => meeting.sequence === 5, { message: 'sequence 5' });
    assert.deepEqual(sequences(seen), [1, 2, 3, 4, 5]);
    assert.deepEqual([...meeting.participants.keys()].sort(), ['alice', 'bob', 'carol', 'dave', 'erin']);
  });

  test('a fill that fails is reported once and retried until it succeeds', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { bridge, meeting, seen } = await following(fake);
    const errors = [];
    bridge.on('error', (problem) => errors.push(problem.code));
    fake.unavailable = 2;
    fake.join('mars', 'alice', { deliver: false });
    fake.join('mars', 'bob');

    await eventually(() => meeting.sequence === 2, { message: 'filled after the retries' });
    assert.deepEqual(errors, ['store-unavailable']);
    assert.deepEqual(sequences(seen), [1, 2]);
    assert.equal(historyReads(fake).length, 3);
  });

  test('reloads the meeting when the history no longer reaches back to the gap', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { meeting, seen } = await following(fake);
    for (const id of ['a', 'b', 'c', 'd']) fake.join('mars', id, { deliver: false });
    fake.leave('mars', 'a', { deliver: false });
    fake.trim('mars', 3);
    fake.join('mars', 'e');

    await eventually(() => syncs(seen).length === 1, { message: 'sync' });
    assert.deepEqual(syncs(seen)[0], { type: 'sync', meetingId: 'mars', sequence: 6, reason: 'gap', reloaded: true });
    assert.deepEqual([...meeting.participants.keys()].sort(), fake.participantIds('mars'));
  });

  test('many gaps in a row leave the participants equal to the bridge\'s', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { meeting, seen } = await following(fake);
    const present = [];
    for (let i = 0; i < 300; i += 1) {
      const deliver = i % 7 !== 3 && i % 11 !== 5;
      if (i % 3 === 2) fake.leave('mars', present.shift(), { deliver });
      else {
        present.push(`p${i}`);
        fake.join('mars', `p${i}`, { deliver });
      }
      if (i % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await eventually(() => meeting.sequence === 300, { message: 'all 300 applied' });
    assert.deepEqual([...meeting.participants.keys()].sort(), fake.participantIds('mars'));
    assert.deepEqual(sequences(seen), Array.from({ length: 300 }, (_, i) => i + 1));
  });
});

describe('a new STOMP session', () => {
  test('after a dropped socket, reconnects and fills what a quiet meeting missed', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { bridge, meeting, seen } = await following(fake);
    const states = [];
    bridge.on('state', (state) => states.push(state));
    fake.socket.close(1006);
    await eventually(() => bridge.state === 'reconnecting');
    fake.join('mars', 'alice');
    fake.join('mars', 'bob');

    await eventually(() => syncs(seen).length === 1, { message: 'sync after reconnect' });
    assert.deepEqual(states, ['reconnecting', 'connected']);
    assert.deepEqual(syncs(seen)[0], { type: 'sync', meetingId: 'mars', sequence: 2, reason: 'reconnect', reloaded: false });
    assert.deepEqual(sequences(seen), [1, 2]);
    fake.join('mars', 'carol');
    await eventually(() => meeting.participants.has('carol'), { message: 'live again' });
  });

  test('after a reconnect, a session-bound participant that is still there is bound again; one removed meanwhile is not joined again', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    fake.createMeeting('venus');
    const bridge = await connect(fake, { sub: 'me', permissions: ['allow_join'] });
    const mars = await bridge.meeting('mars', { join: { displayName: 'Me', bindToSession: true } });
    const venus = await bridge.meeting('venus', { join: { displayName: 'Me', bindToSession: true } });
    const lost = [];
    mars.on('lost', (detail) => lost.push(detail));
    venus.on('lost', (detail) => lost.push(detail));
    const joins = (meetingId) => fake.requests.filter((r) => r.method === 'POST' && r.path === `/api/meetings/${meetingId}/participants`).length;
    const binds = (meetingId) => fake.socket.frames.filter((f) => f.command === 'SEND' && f.headers.destination === `/app/meetings/${meetingId}/join`).length;
    let reconnected = false;
    bridge.on('reconnected', () => { reconnected = true; });

    fake.socket.close(1006);
    await eventually(() => bridge.state === 'reconnecting');
    // While the client is away, a moderator removes the participant from mars; the bridge no
    // longer lets it read mars.
    fake.publish('mars', { type: 'participant-left', participant: fake.meetings.get('mars').participants.get('me'), reason: 'removed' });
    fake.forbidden.add('mars');

    await eventually(() => reconnected, { message: 'reconnected' });
    assert.deepEqual(lost.map((l) => [l.meetingId, l.reason]), [['mars', 'forbidden']]);
    assert.equal(joins('mars'), 1, 'mars: joined once, not again after the reconnect');
    assert.deepEqual(fake.participantIds('mars'), []);
    assert.equal(bridge.recovery.bound.has('mars'), false);
    assert.equal(joins('venus'), 2, 'venus: joined again after the reconnect');
    assert.equal(binds('venus'), 1, 'and bound to the new session');
    assert.equal(binds('mars'), 0);
  });

  test('after a close with code 4000 (resync), reconnects and reloads the meeting', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    fake.join('mars', 'alice');
    const { bridge, meeting, seen } = await following(fake);
    const syncListener = [];
    meeting.on('sync', (sync) => syncListener.push(sync));
    for (let i = 0; i < 20; i += 1) fake.join('mars', `p${i}`, { deliver: false });
    fake.leave('mars', 'alice', { deliver: false });
    fake.trim('mars', 15);
    const socketsBefore = fake.sockets.length;
    const snapshotsBefore = fake.calls.filter((call) => call === 'GET /api/meetings/mars').length;
    fake.socket.close(4000, 'resync');

    await eventually(() => syncListener.length === 1, { message: 'sync after resync' });
    assert.ok(fake.sockets.length > socketsBefore, 'a new WebSocket');
    assert.equal(bridge.state, 'connected');
    assert.deepEqual(syncListener[0], { type: 'sync', meetingId: 'mars', sequence: 22, reason: 'resync', reloaded: true });
    assert.ok(fake.calls.filter((call) => call === 'GET /api/meetings/mars').length > snapshotsBefore, 'the meeting was read again');
    assert.deepEqual([...meeting.participants.keys()].sort(), fake.participantIds('mars'));
    assert.equal(syncs(seen).length, 1, "'*' gets the sync too");
    fake.join('mars', 'zoe');
    await eventually(() => meeting.participants.has('zoe'), { message: 'live after the resync' });
    assert.equal(meeting.sequence, 23);
  });
});

describe('a meeting whose history was reset (Redis lost acknowledged writes)', () => {
  const ids = (meeting) => [...meeting.participants.keys()].sort();

  test('an event of another epoch makes the feed reload; a later one whose sequence looks seen is applied', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { meeting, seen } = await following(fake);
    for (const id of ['alice', 'bob', 'carol']) fake.join('mars', id);
    await eventually(() => meeting.sequence === 3, { message: 'sequence 3' });
    assert.equal(meeting.epoch, 'e1');
    const lost = fake.join('mars', 'dave', { deliver: false });

    assert.equal(fake.failover('mars', 1), 'e2');
    fake.join('mars', 'erin'); // e2 at 2: below what the feed applied

    await eventually(() => syncs(seen).length === 1, { message: 'sync after the reload' });
    assert.deepEqual(syncs(seen)[0], { type: 'sync', meetingId: 'mars', sequence: 2, reason: 'resync', reloaded: true });
    assert.equal(meeting.epoch, 'e2');
    assert.deepEqual(ids(meeting), fake.participantIds('mars'));
    assert.deepEqual(ids(meeting), ['alice', 'erin']);

    // An event of the old history still on its way is not applied (nor taken for a gap) ...
    fake.deliver(lost);
    // ... and e2's 3 is new, though 3 was seen in e1.
    fake.join('mars', 'frank');
    await eventually(() => meeting.participants.has('frank'), { message: 'frank, at 3 of e2' });
    assert.equal(meeting.sequence, 3);
    assert.deepEqual(ids(meeting), fake.participantIds('mars'));
    assert.deepEqual(sequences(seen), [1, 2, 3, 3], 'e1 1..3, the reload, e2 3');
    assert.equal(meeting.feed.stats.reloads, 1);
    assert.equal(syncs(seen).length, 1);
  });

  test('a reconnect whose history read is refused with history-reset reloads, and reports no error', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { bridge, meeting, seen } = await following(fake);
    const errors = [];
    bridge.on('error', (problem) => errors.push(problem));
    for (const id of ['alice', 'bob', 'carol']) fake.join('mars', id);
    await eventually(() => meeting.sequence === 3, { message: 'sequence 3' });
    fake.socket.close(1006);
    await eventually(() => bridge.state === 'reconnecting');
    fake.failover('mars', 1);
    fake.join('mars', 'dave');

    await eventually(() => syncs(seen).length === 1, { message: 'sync after the reconnect' });
    assert.ok(fake.calls.includes('GET /api/meetings/mars/events?after=3&limit=1&epoch=e1'), 'the probe carried the epoch');
    assert.deepEqual(syncs(seen)[0], { type: 'sync', meetingId: 'mars', sequence: 2, reason: 'resync', reloaded: true });
    assert.deepEqual(ids(meeting), fake.participantIds('mars'));
    assert.deepEqual(errors, []);
    fake.join('mars', 'erin');
    await eventually(() => meeting.participants.has('erin'), { message: 'live after the reload' });
    assert.equal(meeting.sequence, 3);
  });

  test('a gap filled after the history was reset reloads on the 409 history-reset', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { bridge, meeting, seen } = await following(fake);
    const errors = [];
    bridge.on('error', (problem) => errors.push(problem));
    fake.join('mars', 'alice');
    await eventually(() => meeting.sequence === 1);
    fake.join('mars', 'bob', { deliver: false });
    const late = fake.join('mars', 'carol', { deliver: false });
    fake.failover('mars', 1);
    fake.join('mars', 'dave', { deliver: false });
    fake.deliver(late); // e1's 3, on its way from before the failover: a gap in e1

    await eventually(() => syncs(seen).length === 1, { message: 'sync' });
    assert.ok(fake.calls.includes('GET /api/meetings/mars/events?after=0&limit=1000&epoch=e1'), 'the fill carried the epoch');
    assert.deepEqual(syncs(seen)[0], { type: 'sync', meetingId: 'mars', sequence: 2, reason: 'resync', reloaded: true });
    assert.deepEqual(ids(meeting), ['alice', 'dave']);
    assert.deepEqual(ids(meeting), fake.participantIds('mars'));
    assert.equal(meeting.epoch, 'e2');
    assert.deepEqual(errors, []);
    assert.equal(meeting.feed.stats.gapsFilled, 0);
  });

  test('a gap filled from a history holding another event at the last applied sequence reloads (a loss no instance noticed)', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { meeting, seen } = await following(fake);
    for (const id of ['alice', 'bob', 'carol']) fake.join('mars', id);
    await eventually(() => meeting.sequence === 3, { message: 'sequence 3' });
    assert.equal(fake.failover('mars', 2, { newEpoch: false }), 'e1');
    fake.join('mars', 'dave', { deliver: false }); // another event under 3, same epoch
    fake.join('mars', 'erin', { deliver: false });
    fake.join('mars', 'frank'); // a gap: 4 is missing

    await eventually(() => syncs(seen).length === 1, { message: 'sync' });
    assert.deepEqual(historyReads(fake), ['GET /api/meetings/mars/events?after=2&limit=1000&epoch=e1']);
    assert.deepEqual(syncs(seen)[0], { type: 'sync', meetingId: 'mars', sequence: 5, reason: 'resync', reloaded: true });
    assert.deepEqual(ids(meeting), ['alice', 'bob', 'dave', 'erin', 'frank']);
    assert.deepEqual(ids(meeting), fake.participantIds('mars'));
  });

  test('a history that ends before the last applied sequence reloads, also from a bridge that does not refuse it', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { bridge, meeting, seen } = await following(fake);
    for (const id of ['alice', 'bob', 'carol']) fake.join('mars', id);
    await eventually(() => meeting.sequence === 3, { message: 'sequence 3' });
    fake.checksPositions = false;
    fake.socket.close(1006);
    await eventually(() => bridge.state === 'reconnecting');
    fake.failover('mars', 1, { newEpoch: false });

    await eventually(() => syncs(seen).length === 1, { message: 'sync after the reconnect' });
    assert.deepEqual(syncs(seen)[0], { type: 'sync', meetingId: 'mars', sequence: 1, reason: 'resync', reloaded: true });
    assert.deepEqual(ids(meeting), ['alice']);
  });

  test('events without an epoch (a bridge from before epochs) are compared by sequence, as before', async () => {
    const fake = new FakeBridge();
    fake.createMeeting('mars');
    const { meeting, seen } = await following(fake);
    const event = fake.join('mars', 'alice', { deliver: false });
    delete event.epoch;
    fake.deliver(event);
    await eventually(() => meeting.sequence === 1, { message: 'applied' });
    assert.deepEqual(ids(meeting), ['alice']);
    assert.equal(syncs(seen).length, 0);
    assert.equal(meeting.feed.stats.reloads, 0);
  });
});
