// No silent gaps, as the client sees them: the bridge's Redis pub/sub links are cut again and
// again (CLIENT KILL TYPE pubsub, what a network blip or a failover does) while joins and leaves
// go through REST; the client's participant map must end equal to the bridge's, every event
// applied once, in sequence order.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { REDIS_URL, api, connect, createMeeting, eventually, joinAs, redis, serverToken, unique } from './support.mjs';

const skip = REDIS_URL ? false : 'set BRIDGE_REDIS_URL to the bridge\'s Redis to run it';

const open = [];
after(() => open.forEach((bridge) => bridge.close()));

test('the participant map equals the bridge\'s after the Redis pub/sub links were cut a dozen times', { skip, timeout: 120000 }, async (t) => {
  const meetingId = unique('blips');
  await createMeeting(meetingId);
  const bridge = await connect(serverToken(), { actAs: unique('watcher') });
  open.push(bridge);
  const meeting = await bridge.meeting(meetingId);
  const applied = [];
  const syncs = [];
  meeting.on('*', (event) => (event.type === 'sync' ? syncs : applied).push(event));

  const present = [];
  let killed = 0;
  for (let i = 0; i < 300; i += 1) {
    if (i % 25 === 10) killed += Number((await redis('CLIENT', 'KILL', 'TYPE', 'pubsub')).slice(1));
    if (i % 3 === 2 && present.length > 0) {
      await api('DELETE', `/api/meetings/${meetingId}/participants/${present.shift()}`);
    } else {
      const id = unique('p');
      present.push(id);
      await joinAs(meetingId, id);
    }
  }
  assert.ok(killed > 0, 'the bridge had pub/sub connections to cut');

  // The client notices a loss when a later event arrives. One lost at the very end of the run
  // (with nothing after it) is the bridge's to repair; so the run ends with joins until one of
  // them has come through the re-established link.
  const latest = async () => (await api('GET', `/api/meetings/${meetingId}/events?after=0&limit=1`)).latestSequence;
  await eventually(async () => {
    if (meeting.sequence === await latest()) return true;
    const id = unique('tail');
    present.push(id);
    await joinAs(meetingId, id);
    return false;
  }, { timeoutMs: 30000, intervalMs: 500, message: 'the client caught up with the bridge' });

  const { participants } = await api('GET', `/api/meetings/${meetingId}/participants`);
  assert.deepEqual([...meeting.participants.keys()].sort(), Object.keys(participants).sort());
  assert.deepEqual([...meeting.participants.keys()].sort(), [...present].sort());
  const sequences = applied.map((event) => event.sequence);
  assert.deepEqual(sequences, sequences.map((_, i) => i + 1), 'every event once, in sequence order');
  t.diagnostic(`pub/sub connections cut: ${killed}; events: ${sequences.length}; `
    + `gaps the client filled from the history: ${meeting.feed.stats.gapsFilled}; syncs: ${syncs.length}`);
});
