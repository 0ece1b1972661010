/**
 * Following the meeting shown: opening it (or saying why not), re-binding after a reload, and
 * taking in its events as they arrive.
 */
import { EVENT_TYPES } from '/client/meeting-bridge.js';
import { go } from './address.js';
import { bindingKey, BOUND_STORAGE, chatLog, ENDED_STORAGE, remembered, scheduleRender, state } from './state.js';
import { $, clearProblem, dateTime, showProblem } from './ui.js';

const FEED_LIMIT = 500;
const HISTORY_ON_OPEN = 50;
const MISSING_RECHECK_MS = 5000;

export function closeMeetingView() {
  clearTimeout(state.missingTimer);
  state.meeting?.dispose();
  Object.assign(state, { meeting: null, meetingId: null, view: 'loading', note: '', feed: [] });
  state.otherMeetings.clear();
  state.cards.clear();
  state.chats.clear();
  state.dismissed.clear();
  for (const slot of ['meeting-problem', 'connect-problem']) clearProblem($(slot));
  $('connections').replaceChildren();
  $('feed').replaceChildren();
}

export async function showMeeting(meetingId) {
  closeMeetingView();
  state.meetingId = meetingId;
  await openCurrent();
}

/** Opens (again) the meeting shown: follows it, or says why not. */
export async function openCurrent() {
  const meetingId = state.meetingId;
  clearTimeout(state.missingTimer);
  state.view = 'loading';
  scheduleRender();
  const binding = remembered.get(BOUND_STORAGE, bindingKey(meetingId));
  try {
    const meeting = await state.bridge.meeting(meetingId);
    if (state.meetingId !== meetingId) return;
    state.view = 'following';
    if (binding) await rebind(meeting, binding);
    await follow(meeting);
  } catch (error) {
    if (state.meetingId !== meetingId) return;
    const ended = remembered.get(ENDED_STORAGE, meetingId);
    if (error.status === 403 && ended) {
      state.view = 'ended';
      state.note = `${meetingId} ended at ${dateTime(ended)}; an ended meeting cannot be joined again.`;
    } else if (error.status === 403 && binding) {
      remembered.set(BOUND_STORAGE, bindingKey(meetingId), undefined);
      state.view = 'forbidden';
      state.note = `You are no longer a member of ${meetingId}: this page was away longer than the bridge allows, so you left it. Join again to follow it live.`;
    } else if (error.status === 403) {
      state.view = 'forbidden';
      state.note = `You are not a member of ${meetingId}: join it to see its participants and events live.`;
    } else if (error.code === 'meeting-not-found') {
      state.view = 'missing';
      state.missingTimer = setTimeout(recheckMissing, MISSING_RECHECK_MS);
    } else {
      state.view = 'unavailable';
      showProblem($('meeting-problem'), error, `opening ${meetingId}`);
    }
  }
  scheduleRender();
}

/** A missing meeting may have been created elsewhere since: look again while it is shown. */
async function recheckMissing() {
  if (state.view !== 'missing' || !state.bridge) return;
  try {
    await state.bridge.readMeeting(state.meetingId);
    await openCurrent();
  } catch (error) {
    if (error.code === 'meeting-not-found' || error.status === 403) {
      if (error.status === 403) await openCurrent();
      else state.missingTimer = setTimeout(recheckMissing, MISSING_RECHECK_MS);
    }
  }
}

/**
 * After a reload: the participant this tab joined bound to its (old) session is still a member,
 * so bind it to this page's session before the bridge's grace runs out (a STOMP join of a
 * member moves the binding without an event).
 */
async function rebind(meeting, displayName) {
  const me = state.bridge.identity.participantId;
  if (!meeting.participants.has(me)) {
    remembered.set(BOUND_STORAGE, bindingKey(meeting.id), undefined);
    return;
  }
  await meeting.join({ displayName, bindToSession: true });
}

export async function follow(meeting) {
  if (state.meeting === meeting) {
    // Followed again (joined after it was lost): the listeners are still there.
    state.view = 'following';
    state.note = '';
    return;
  }
  state.meeting = meeting;
  state.view = 'following';
  state.note = '';
  for (const type of EVENT_TYPES) meeting.on(type, onMeetingEvent);
  meeting.on('sync', scheduleRender);
  meeting.on('lost', onLost);
  meeting.on('switch-meeting', onSwitch);
  if (meeting.status === 'ended') remembered.set(ENDED_STORAGE, meeting.id, meeting.endedAt ?? new Date().toISOString());
  for (const connection of meeting.connections.values()) watchConnection(connection);
  // The recent past, so the feed does not start empty.
  const after = Math.max(0, meeting.sequence - HISTORY_ON_OPEN);
  try {
    const { events } = await meeting.history({ after, limit: HISTORY_ON_OPEN });
    for (const event of events) addToFeed(event);
  } catch (error) {
    if (error.status !== 403) showProblem($('meeting-problem'), error, 'reading the event history');
  }
  scheduleRender();
}

const LOST_REASONS = {
  left: 'you left',
  removed: 'a moderator removed you',
  disconnected: 'this page was away longer than the bridge allows',
  switched: 'you were moved to another meeting',
  forbidden: 'the bridge no longer lets you read it',
};

/** The client stopped following the meeting: the page says why, and offers to join again. */
function onLost({ meetingId, reason }) {
  if (state.meetingId !== meetingId) return;
  remembered.set(BOUND_STORAGE, bindingKey(meetingId), undefined);
  state.view = 'forbidden';
  state.note = reason === 'left'
    ? 'You left: join again to see this meeting live.'
    : `You are no longer a member of ${meetingId} (${LOST_REASONS[reason] ?? reason}): its events stopped arriving here. Join again to follow it live.`;
  scheduleRender();
}

/**
 * A moderator of a connected meeting asked this page's participant to switch meetings, or moved
 * it: asked, the page says who asks and where to; moved, the page follows the meeting it is in
 * now (as the client does), bound to this page's session there as it was here.
 */
function onSwitch(message) {
  if (message.moved) {
    const from = state.meetingId;
    const binding = remembered.get(BOUND_STORAGE, bindingKey(from));
    if (binding) remembered.set(BOUND_STORAGE, bindingKey(message.meetingId), binding);
    remembered.set(BOUND_STORAGE, bindingKey(from), undefined);
    go(message.meetingId);
    return;
  }
  const who = message.connectionParticipantId
    ? `${message.connectionParticipantId} (of ${message.connectionMeetingId})`
    : `The server (over ${message.connectionMeetingId})`;
  state.note = `${who} asks you to switch to ${message.meetingId}${message.payload ? `: “${message.payload}”` : '.'}`;
  scheduleRender();
}

function onMeetingEvent(detail, event) {
  addToFeed(event);
  if (event.type === 'connection-open') watchConnection(detail);
  if (event.type === 'chat-message') {
    const message = event.message;
    chatLog(message.connectionId).push({ direction: 'in', who: `${message.sender.displayName} (${message.fromMeetingId})`, text: message.message });
  }
  if (event.type === 'meeting-ended') remembered.set(ENDED_STORAGE, event.meetingId, event.timestamp);
  scheduleRender();
}

export function watchConnection(connection) {
  if (!connection?.meeting) return;
  connection.meeting.on('*', scheduleRender);
  connection.ready.then(scheduleRender, scheduleRender);
}

/** Inserts an event into the feed by sequence, once. */
function addToFeed(event) {
  if (typeof event.sequence !== 'number' || event.meetingId !== state.meetingId) return;
  if (event.type === 'connection-open') state.otherMeetings.set(event.connection.id, event.connection.meeting.id);
  const feed = state.feed;
  if (feed.some((e) => e.sequence === event.sequence)) return;
  let index = feed.length;
  while (index > 0 && feed[index - 1].sequence > event.sequence) index -= 1;
  feed.splice(index, 0, event);
  if (feed.length > FEED_LIMIT) feed.splice(0, feed.length - FEED_LIMIT);
}
