/**
 * The event feed of the meeting shown: one line per event, in sequence order, each in words.
 */
import { scheduleRender, state } from './state.js';
import { $, folded, h, time } from './ui.js';

/** The meeting at the other end of a connection of the shown meeting, looked up once if no event named it. */
function otherMeetingOf(connectionId) {
  const known = state.otherMeetings.get(connectionId)
    ?? state.meeting?.closedConnections.get(connectionId)?.meeting.id
    ?? state.meeting?.connections.get(connectionId)?.meeting.id;
  if (known || !state.bridge || state.lookingUp.has(connectionId)) return known;
  state.lookingUp.add(connectionId);
  const meetingId = state.meetingId;
  // A closed connection stays readable while its meeting's records are retained.
  state.bridge.request('GET', `/api/meetings/${encodeURIComponent(meetingId)}/connections/${encodeURIComponent(connectionId)}`)
    .then((connection) => {
      if (state.meetingId !== meetingId) return;
      state.otherMeetings.set(connectionId, connection.meeting.id);
      state.feedVersion += 1;
      scheduleRender();
    }, () => {});
  return undefined;
}

function describe(event) {
  switch (event.type) {
    case 'participant-joined':
      return `${event.participant.displayName} (${event.participant.id}) joined${event.from ? ` from ${event.from}` : ''}`;
    case 'participant-left':
      return `${event.participant.displayName} (${event.participant.id}) left: ${event.reason}${event.to ? ` to ${event.to}` : ''}`;
    case 'chat-message':
      return [`${event.message.sender.displayName} of ${event.message.fromMeetingId}: `, folded(`“${event.message.message}”`)];
    case 'connection-open':
      return [`connected to ${event.connection.meeting.id}`, event.connection.payload ? [': ', folded(`“${event.connection.payload}”`)] : ''];
    case 'connection-close': {
      const other = otherMeetingOf(event.connectionId);
      return `connection ${other ? `to ${other} ` : ''}closed: ${event.reason}`;
    }
    case 'meeting-ended':
      return `meeting ended${event.endedBy ? ` by ${event.endedBy.participantId ?? 'the server'} of ${event.endedBy.meetingId}` : ''}`;
    default:
      return event.type;
  }
}

export function renderFeed() {
  const id = state.meetingId;
  const empty = !id
    ? 'No meeting open. Open one (or pick one from the list) and its events appear here as they happen: joins, leaves, chat messages and connections, numbered by sequence.'
    : state.view === 'missing' ? `${id} does not exist, so it has no events.`
      : state.view === 'forbidden' ? `Join ${id} to see its events live.`
        : state.view === 'following' && state.feed.length === 0
          ? `No events in ${id} yet. Joins, leaves, chat messages and connections appear here as they happen.`
          : '';
  $('feed-empty').textContent = empty;
  $('feed-empty').hidden = !empty;
  const list = $('feed');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const have = new Set([...list.children].map((li) => Number(li.dataset.sequence)));
  const version = String(state.feedVersion);
  if (list.dataset.version === version && have.size === state.feed.length && state.feed.every((e) => have.has(e.sequence))) return;
  list.dataset.version = version;
  list.replaceChildren(...state.feed.map((event) => h('li', { 'data-sequence': event.sequence, 'data-type': event.type },
    h('span', { class: 'seq' }, `#${event.sequence}`),
    h('span', { class: 'time' }, time(event.timestamp)),
    h('span', { class: 'what' }, h('span', { class: `type ${event.type}` }, event.type), describe(event)))));
  if (atBottom) list.scrollTop = list.scrollHeight;
}
