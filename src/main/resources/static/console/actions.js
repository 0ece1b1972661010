/**
 * What the signed-in participant does to the meeting shown: join, create, connect, end, remove.
 */
import { follow, openCurrent, watchConnection } from './follow.js';
import { bindingKey, BOUND_STORAGE, ENDED_STORAGE, remembered, scheduleRender, state } from './state.js';
import { $, act, confirmAction, plural, showProblem } from './ui.js';

export const submitter = (event) => event.submitter ?? event.target.querySelector('button[type="submit"]');

/** Joins the shown meeting and follows it. */
export async function joinShown({ displayName, participantId, slot, button }) {
  const id = state.meetingId;
  const bindToSession = !state.bridge.identity.isServer && $('join-bind').checked;
  await act({ slot, context: `joining ${id}`, button }, async () => {
    try {
      const meeting = await state.bridge.meeting(id, { join: { displayName, participantId, bindToSession } });
      if (participantId && state.bridge.identity.isServer) state.bridge.actAs = participantId;
      clearTimeout(state.missingTimer);
      if (bindToSession) remembered.set(BOUND_STORAGE, bindingKey(id), displayName);
      await follow(meeting);
    } catch (error) {
      if (error.code === 'meeting-ended') {
        remembered.set(ENDED_STORAGE, id, new Date().toISOString());
        state.view = 'ended';
        state.note = `${id} has ended; an ended meeting cannot be joined again.`;
      }
      throw error;
    }
  });
  scheduleRender();
}

export function join(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  return joinShown({
    displayName: String(form.get('displayName') ?? '').trim(),
    participantId: String(form.get('participantId') ?? '').trim() || undefined,
    slot: $('meeting-problem'),
    button: submitter(event),
  });
}

/** Creates the missing meeting shown, and joins it when asked to. */
export async function createShown(andJoin, button) {
  const id = state.meetingId;
  const displayName = $('missing-name').value.trim();
  if (andJoin && !displayName) {
    $('missing-name').reportValidity?.();
    showProblem($('meeting-problem'), { title: 'Name needed', detail: 'Fill in the display name to join.' }, `creating ${id}`);
    return;
  }
  // Not 'missing' any more while it is being made: nothing else should open it meanwhile.
  clearTimeout(state.missingTimer);
  state.view = 'loading';
  const created = await act({ slot: $('meeting-problem'), context: `creating ${id}`, button }, () => state.bridge.createMeeting({ meetingId: id }));
  if (!created) {
    state.view = 'missing';
    scheduleRender();
    return;
  }
  state.list.refresh();
  if (andJoin) {
    await joinShown({ displayName, participantId: $('join-as').value.trim() || undefined, slot: $('meeting-problem'), button });
  } else {
    await openCurrent();
  }
}

export async function connect(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const meetingId = String(form.get('meetingId') ?? '').trim();
  const payload = String(form.get('payload') ?? '');
  await act({ slot: $('connect-problem'), context: `connecting to ${meetingId}`, button: submitter(event) }, async () => {
    const connection = await state.meeting.connectTo({ meetingId, payload });
    watchConnection(connection);
    event.target.reset();
  });
  scheduleRender();
}

export async function endShown(button) {
  const meeting = state.meeting;
  const yes = await confirmAction({
    title: `End ${meeting.id}?`,
    message: `Everyone in ${meeting.id} (${plural(meeting.participants.size, 'participant')}) leaves and its `
      + `${plural(meeting.connections.size, 'connection')} close. An ended meeting cannot be joined again.`,
    confirm: `End ${meeting.id}`,
  });
  if (!yes) return;
  await act({ slot: $('meeting-problem'), context: `ending ${meeting.id}`, button }, () => meeting.end());
  state.list.refresh();
  scheduleRender();
}

export async function removeParticipant(participant, button) {
  const meeting = state.meeting;
  const yes = await confirmAction({
    title: `Remove ${participant.displayName}?`,
    message: `${participant.displayName} (${participant.id}) leaves ${meeting.id} (reason: removed) and stops seeing it. They may join again.`,
    confirm: `Remove ${participant.displayName}`,
  });
  if (!yes) return;
  await act({ slot: $('meeting-problem'), context: `removing ${participant.id}`, button }, () => meeting.leave({ participantId: participant.id }));
  scheduleRender();
}
