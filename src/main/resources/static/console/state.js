/**
 * What the console knows and remembers (the signed-in bridge, the meeting shown, what this tab
 * keeps across a reload) and what the signed-in token allows; every other module reads it here.
 */

export const STORAGE = 'meeting-bridge.console';
/** Meetings this tab joined bound to its session: re-bound after a reload, within the bridge's grace. */
export const BOUND_STORAGE = 'meeting-bridge.console.bound';
/** Meetings this tab saw end: a participant token may not read them any more, but they stay ended. */
export const ENDED_STORAGE = 'meeting-bridge.console.ended';

/** The token badge warns this long before the token expires. */
export const TOKEN_WARNING_MS = 120000;

/** Small maps kept in this tab's session storage (they survive a reload, not the tab). */
export const remembered = {
  read(key) {
    try {
      return JSON.parse(sessionStorage.getItem(key) ?? '{}') ?? {};
    } catch {
      return {};
    }
  },
  get(key, id) {
    return this.read(key)[id];
  },
  set(key, id, value) {
    const all = this.read(key);
    if (value === undefined) delete all[id];
    else all[id] = value;
    sessionStorage.setItem(key, JSON.stringify(all));
  },
};

export const state = {
  /** the meetings list of a server token (console.js makes it) */
  list: null,
  /** @type {MeetingBridge|null} */
  bridge: null,
  /** @type {import('/client/meeting-bridge.js').Meeting|null} the meeting followed */
  meeting: null,
  /** the meeting shown, followed or not */
  meetingId: null,
  /** what the meeting panel shows: loading, following, forbidden (not a member), missing, unavailable */
  view: 'loading',
  note: '',
  /** events of the shown meeting, ordered by sequence */
  feed: [],
  /** connection id to its card */
  cards: new Map(),
  /** connection id to [{direction, who, text}] */
  chats: new Map(),
  /** closed connections the user dismissed */
  dismissed: new Set(),
  /** re-checks whether a missing meeting exists by now */
  missingTimer: undefined,
  /** connection id to the meeting at its other end, for naming past events */
  otherMeetings: new Map(),
  /** connection ids being looked up */
  lookingUp: new Set(),
  /** bumped when a name in the feed became known, so the feed is drawn again */
  feedVersion: 0,
  /** the store's health from the bridge's readiness: 'ok', 'down' or 'unknown' */
  store: 'unknown',
  storeTimer: undefined,
  tokenTimer: undefined,
  /** when the token that signed the console out expired (it asks to sign in again) */
  expiredAt: undefined,
};

let renderPending = false;
let renderer = () => {};

/** Names what `scheduleRender` draws with (the console's `render`, set once at start). */
export function renderWith(render) {
  renderer = render;
}

/** Coalesces re-renders: events arrive in bursts (an ending cascade). */
export function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    renderer();
  }, 0);
}

/** Who the signed-in token acts as, in the key of what this tab remembers about a meeting. */
export function bindingKey(meetingId) {
  return `${state.bridge?.identity.participantId ?? ''}@${meetingId}`;
}

/** The chat over a connection, as shown on its card: [{direction, who, text}]. */
export function chatLog(connectionId) {
  if (!state.chats.has(connectionId)) state.chats.set(connectionId, []);
  return state.chats.get(connectionId);
}

/** Whether the signed-in token may remove others from and end the shown meeting. */
export function canModerate(member) {
  const { isServer, permissions } = state.bridge.identity;
  return isServer || (member && permissions.includes('allow_mod'));
}

/**
 * What the signed-in token allows, by the bridge's rules: the console offers nothing else.
 * @param {'create' | 'join' | 'chat'} action
 */
export function permits(action, { member = false, meetingId = state.meetingId } = {}) {
  const { isServer, permissions, roomId, participantId } = state.bridge.identity;
  switch (action) {
    case 'create':
      return isServer || permissions.includes('allow_mod');
    case 'join':
      return isServer || (permissions.includes('allow_join') && (!roomId || roomId === meetingId));
    case 'chat':
      return Boolean(member && participantId) && (isServer || permissions.includes('allow_join'));
    default:
      return false;
  }
}
