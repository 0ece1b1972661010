/**
 * The meeting-bridge console: sign in with a token, list and create meetings, follow one meeting
 * live (participants, connections with the other side's participants, an event feed ordered by
 * sequence, a picture), and act as the signed-in participant. Every meeting has an address,
 * `#/meetings/{id}`. Built only on the bridge's own client module, /client/meeting-bridge.js.
 */
import { connect, createShown, endShown, join, joinShown, submitter } from './actions.js';
import { go, route } from './address.js';
import { closeMeetingView, openCurrent } from './follow.js';
import { meetingsList } from './list.js';
import { render } from './render.js';
import { signIn, signOut } from './session.js';
import { renderWith, scheduleRender, state, STORAGE } from './state.js';
import { $, act, dateTime, problemOf, showProblem } from './ui.js';

state.list = meetingsList({
  bridge: () => state.bridge,
  open: (meetingId) => go(meetingId),
  onRefresh: (ids) => {
    if (state.view === 'missing' && ids.includes(state.meetingId)) openCurrent();
    scheduleRender();
  },
});
renderWith(render);

// ---------------------------------------------------------------------------------------------
// Wiring

function wire() {
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = submitter(event);
    button.disabled = true;
    try {
      await signIn($('token').value.trim(), $('act-as').value.trim());
    } finally {
      button.disabled = false;
    }
  });
  // A server token mints a participant token (POST /api/tokens), for trying things out as that participant.
  $('mint').addEventListener('click', (event) => act({ slot: $('sign-in-problem'), context: 'minting a participant token', button: event.currentTarget }, async () => {
    const participantId = $('act-as').value.trim();
    if (!participantId) throw { title: 'Name the participant', status: 400, code: 'validation-failed', detail: 'Fill in "Act as participant" first.' };
    const response = await fetch('/api/tokens', {
      method: 'POST',
      headers: { Authorization: `Bearer ${$('token').value.trim()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ participantId, permissions: ['allow_join', 'allow_mod'] }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw problemOf({ status: response.status, title: 'Refused', ...body });
    $('token').value = body.token;
    $('act-as').value = '';
    const note = $('sign-in-note');
    note.textContent = `Minted a token for ${participantId} (allow_join, allow_mod) valid until ${dateTime(body.expiresAt)}. `
      + 'It replaced the server token in the field: Sign in to act as that participant.';
    note.hidden = false;
  }));
  $('token').addEventListener('input', () => {
    $('sign-in-note').hidden = true;
  });
  $('sign-out').addEventListener('click', signOut);
  $('open-form').addEventListener('submit', (event) => {
    event.preventDefault();
    go($('open-id').value.trim());
  });
  $('create-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = submitter(event);
    const andJoin = button?.value === 'join';
    const meetingId = $('create-id').value.trim() || undefined;
    const displayName = $('create-name').value.trim();
    if (andJoin && !displayName) {
      showProblem($('create-problem'), { title: 'Name needed', detail: 'Fill in the name to join with.' }, 'creating and joining a meeting');
      $('create-name').focus();
      return;
    }
    const created = await act({ slot: $('create-problem'), context: 'creating a meeting', button }, async () => {
      const meeting = await state.bridge.createMeeting({ meetingId });
      $('create-id').value = '';
      state.list.refresh();
      return meeting;
    });
    if (!created) return;
    if (!andJoin) {
      go(created.id);
      return;
    }
    // Shown as being opened while it is joined, so that routing does not open it meanwhile.
    closeMeetingView();
    state.meetingId = created.id;
    location.hash = `#/meetings/${encodeURIComponent(created.id)}`;
    await joinShown({ displayName, participantId: $('join-as').value.trim() || undefined, slot: $('meeting-problem'), button });
    if (state.view === 'loading') await openCurrent();
  });
  $('missing-create').addEventListener('click', (event) => createShown(false, event.currentTarget));
  $('missing-create-join').addEventListener('click', (event) => createShown(true, event.currentTarget));
  $('join-form').addEventListener('submit', join);
  $('leave').addEventListener('click', async (event) => {
    await act({ slot: $('meeting-problem'), context: `leaving ${state.meetingId}`, button: event.currentTarget }, async () => {
      await state.meeting.leave();
      if (!state.meeting.attached) {
        state.view = 'forbidden';
        state.note = 'You left: join again to see this meeting live.';
      }
    });
    scheduleRender();
  });
  $('end-meeting').addEventListener('click', (event) => endShown(event.currentTarget));
  $('close-view').addEventListener('click', () => {
    go(null);
    $('open-id').focus();
  });
  $('connect-form').addEventListener('submit', connect);
  window.addEventListener('hashchange', route);

  const saved = JSON.parse(sessionStorage.getItem(STORAGE) ?? 'null');
  if (saved?.token) signIn(saved.token, saved.actAs, { restoring: true });
  render();
}

wire();
