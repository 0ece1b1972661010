/**
 * Drawing the page from the state: the header's badges, the meeting panel with its
 * participants and connection cards, and the picture.
 */
import { removeParticipant } from './actions.js';
import { buildCard, updateCard } from './card.js';
import { renderFeed } from './feed.js';
import { drawGraph } from './graph.js';
import { canModerate, permits, state, TOKEN_WARNING_MS } from './state.js';
import { $, dateTime, h, time } from './ui.js';

export function render() {
  renderState();
  if (!state.bridge) return;
  renderMeeting();
  renderFeed();
  renderGraph();
}

const LINK_LABELS = { connecting: 'live link: connecting…', connected: 'live link: connected', reconnecting: 'live link: reconnecting…', closed: 'live link: closed' };
const STORE_LABELS = { ok: 'store: ok', down: 'store: unavailable', unknown: 'store: checking…' };

/**
 * The header: the live link (the STOMP session), the store (the bridge's readiness) and the
 * token's expiry, each on its own, so that one being fine never hides another that is not.
 */
export function renderState() {
  const bridge = state.bridge;
  const badge = $('connection-state');
  badge.textContent = bridge ? LINK_LABELS[bridge.state] ?? bridge.state : 'signed out';
  badge.className = `badge ${bridge ? bridge.state : 'signed-out'}`;
  const store = $('store-state');
  store.hidden = !bridge;
  store.textContent = STORE_LABELS[state.store];
  store.className = `badge ${state.store === 'ok' ? 'ok' : state.store === 'down' ? 'bad' : 'warn'}`;
  const token = $('token-state');
  const who = $('whoami');
  if (!bridge) {
    who.textContent = '';
    token.hidden = !state.expiredAt;
    token.textContent = state.expiredAt ? `token expired ${dateTime(state.expiredAt)}` : '';
    token.className = 'badge bad';
    return;
  }
  const { isServer, sub, participantId, permissions, roomId, exp } = bridge.identity;
  const parts = isServer
    ? ['server token', participantId ? `acting as ${participantId}` : 'acting as nobody yet']
    : [sub, permissions.join(', ') || 'no permissions', roomId ? `room ${roomId}` : null];
  who.textContent = parts.filter(Boolean).join(' · ');
  token.hidden = !exp;
  if (exp) {
    const left = exp * 1000 - Date.now();
    token.textContent = left > 0 ? `token expires ${time(new Date(exp * 1000).toISOString())} (in ${duration(left)})`
      : `token expired ${time(new Date(exp * 1000).toISOString())}`;
    token.className = `badge ${left <= 0 ? 'bad' : left <= TOKEN_WARNING_MS ? 'warn' : 'ok'}`;
  }
}

function duration(ms) {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

const VIEW_LABELS = { loading: 'opening…', forbidden: 'not a member', missing: 'does not exist', unavailable: 'unavailable', ended: 'ended' };

function renderMeeting() {
  const panel = $('meeting-panel');
  const id = state.meetingId;
  panel.hidden = !id;
  $('feed-meeting').textContent = id ? `of ${id}` : '';
  if (!id) return;
  const meeting = state.meeting;
  const me = state.bridge.identity.participantId;
  const following = state.view === 'following' && Boolean(meeting && (meeting.attached || meeting.status === 'ended'));
  const status = following ? meeting.status : undefined;
  const member = Boolean(following && me && meeting.participants.has(me));
  const ended = status === 'ended';
  $('meeting-id').textContent = id;
  const badge = $('meeting-status');
  badge.textContent = following ? status : VIEW_LABELS[state.view] ?? state.view;
  badge.className = `badge ${following ? status : state.view}`;
  const note = $('meeting-note');
  note.textContent = state.note;
  note.hidden = !state.note || state.view === 'missing';

  const missing = state.view === 'missing';
  const creates = permits('create');
  $('meeting-missing').hidden = !missing;
  $('missing-id').textContent = id;
  $('missing-hint').textContent = creates ? 'Create it here, or check the id.'
    : 'Check the id: your token cannot create meetings (that needs allow_mod).';
  $('missing-actions').hidden = !creates;
  $('missing-create').textContent = `Create ${id}`;
  $('missing-create-join').textContent = `Create ${id} and join`;
  $('missing-create-join').hidden = !permits('join', { meetingId: id });
  const joins = permits('join', { meetingId: id });
  $('join-form').hidden = !joins || missing || member || ended || ['loading', 'unavailable', 'ended'].includes(state.view);
  if (!joins && !missing && !member && !ended && state.view === 'forbidden') {
    state.note = `You are not a member of ${id}, and your token cannot join it${state.bridge.identity.roomId ? ` (it is for ${state.bridge.identity.roomId} only)` : ' (that needs allow_join)'}.`;
    note.textContent = state.note;
    note.hidden = false;
  }
  $('meeting-actions').hidden = missing;
  // Participants, connections and connecting need a meeting that can be followed.
  $('meeting-body').hidden = !following;
  $('leave').hidden = !member;
  $('end-meeting').hidden = !following || ended || !canModerate(member);
  $('connect-form').hidden = !following || ended || !canModerate(member);
  $('connect-title').hidden = $('connect-form').hidden;

  const participants = following ? [...meeting.participants.values()] : [];
  $('participant-count').textContent = String(participants.length);
  const removable = following && !ended && canModerate(member);
  $('participants').replaceChildren(...participants.map((p) => h('li', { class: p.id === me ? 'me' : undefined, 'data-participant': p.id },
    p.displayName, ' ', h('code', {}, p.id),
    removable && p.id !== me
      ? h('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${p.displayName} (${p.id})`, onclick: (event) => removeParticipant(p, event.currentTarget) }, '×')
      : '')));
  $('participants').dataset.empty = following ? 'Nobody is in this meeting.' : '';

  renderConnections(following ? meeting : null);
}

function renderConnections(meeting) {
  const container = $('connections');
  const shown = [];
  if (meeting) {
    for (const connection of meeting.connections.values()) shown.push(connection);
    for (const connection of meeting.closedConnections.values()) if (!state.dismissed.has(connection.id)) shown.push(connection);
  }
  for (const [id, card] of state.cards) {
    if (!shown.some((c) => c.id === id)) {
      card.element.remove();
      state.cards.delete(id);
    }
  }
  for (const connection of shown) {
    let card = state.cards.get(connection.id);
    if (!card) {
      card = buildCard(connection);
      state.cards.set(connection.id, card);
    }
    if (card.element.parentNode !== container) container.append(card.element);
    updateCard(card);
  }
  $('connection-count').textContent = String(meeting ? meeting.connections.size : 0);
}

function renderGraph() {
  const nodes = [];
  const edges = [];
  const meeting = state.view === 'following' ? state.meeting : null;
  let caption;
  if (meeting && state.meetingId) {
    nodes.push({ id: meeting.id, count: meeting.participants.size, status: meeting.status, focus: true });
    const connections = [...meeting.connections.values(),
      ...[...meeting.closedConnections.values()].filter((c) => !state.dismissed.has(c.id))];
    for (const connection of connections) {
      const other = connection.meeting;
      if (!nodes.some((n) => n.id === other.id)) nodes.push({ id: other.id, count: other.participants.size, status: other.status });
      edges.push({ id: connection.id, from: meeting.id, to: other.id, payload: connection.payload,
        closed: connection.closed, reason: connection.closeReason });
    }
    caption = connections.length
      ? `${meeting.id} and the meetings connected to it; each circle shows its number of participants.`
      : `${meeting.id} has no connections: connect it to another meeting to draw the pair.`;
  } else if (state.meetingId) {
    caption = `Nothing to draw until you can see ${state.meetingId}.`;
  } else if (state.bridge?.identity.isServer) {
    for (const m of state.list.meetings.slice(0, 8)) nodes.push({ id: m.id, count: m.participantCount ?? 0, status: m.status });
    caption = nodes.length
      ? 'The newest meetings of the list, with their participants; open one to see what it is connected to.'
      : 'No meetings yet: create one to see it here.';
  } else {
    caption = 'Open a meeting to draw it and the meetings connected to it.';
  }
  $('graph-caption').textContent = caption;
  drawGraph($('graph'), { nodes, edges });
}
