/**
 * One connection's card: the other meeting's participants, the chat over the connection, and
 * what a moderator does with it (end the other meeting, close, switch a participant).
 */
import { canModerate, chatLog, permits, scheduleRender, state } from './state.js';
import { act, clearProblem, confirmAction, dateTime, folded, h, plural } from './ui.js';

const CLOSE_LABELS = { closed: 'closed', 'meeting-ended': 'closed: a meeting ended', lost: 'closed: no longer visible' };

/** A connection card, made once so that typing in its chat field survives updates. */
export function buildCard(connection) {
  const other = connection.meeting.id;
  const key = connection.id.replace(/[^A-Za-z0-9_-]/g, '_');
  const titleId = `conn-${key}-title`;
  const peopleId = `conn-${key}-people`;
  const inputId = `conn-${key}-message`;
  const status = h('span', { class: 'badge' });
  const people = h('ul', { class: 'people', 'aria-labelledby': peopleId });
  const log = h('ol', { class: 'chat-log', 'aria-label': `Chat over the connection to ${other}` });
  // Not `required`: a field the user typed in and the console emptied after sending would show invalid.
  const input = h('input', { id: inputId, name: 'message', maxlength: 4096, autocomplete: 'off' });
  const send = h('button', { type: 'submit' }, 'Send');
  const endOther = h('button', { type: 'button', class: 'danger' }, `End ${other}`);
  const close = h('button', { type: 'button', class: 'secondary' }, 'Close connection');
  const dismiss = h('button', { type: 'button', class: 'dismiss', hidden: true }, 'Dismiss');
  const problem = h('div', { class: 'problem-slot' });
  const form = h('form', { class: 'row chat' },
    h('label', { for: inputId }, `Message to ${other}`), input, send);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    if (text === '') {
      input.focus();
      return;
    }
    await act({ slot: problem, context: `sending chat to ${other}`, button: send }, async () => {
      const message = await connection.meeting.sendChatMessage(text);
      chatLog(connection.id).push({ direction: 'out', who: message.sender.displayName, text: message.message });
      input.value = '';
    });
    scheduleRender();
  });
  endOther.addEventListener('click', async () => {
    const count = connection.meeting.participants.size;
    const yes = await confirmAction({
      title: `End ${other}?`,
      message: `Everyone in ${other} (${plural(count, 'participant')}) leaves, not only those you see from here, `
        + `and every connection of ${other} closes, this one too. An ended meeting cannot be joined again.`,
      confirm: `End ${other}`,
    });
    if (yes) await act({ slot: problem, context: `ending ${other}`, button: endOther }, () => connection.meeting.end());
    scheduleRender();
  });
  close.addEventListener('click', async () => {
    await act({ slot: problem, context: `closing the connection to ${other}`, button: close }, () => connection.close());
    scheduleRender();
  });
  dismiss.addEventListener('click', () => {
    state.dismissed.add(connection.id);
    scheduleRender();
  });
  // switchTo: ask a participant over there to switch to another meeting (this one by default),
  // or move it there; offered with allow_mod only, as the bridge allows it.
  const whoId = `conn-${key}-switch-who`;
  const toId = `conn-${key}-switch-to`;
  const moveId = `conn-${key}-switch-move`;
  const switchWho = h('select', { id: whoId, name: 'participant' });
  const switchTarget = h('input', { id: toId, name: 'meetingId', maxlength: 64, autocomplete: 'off', placeholder: 'this meeting' });
  const switchMove = h('input', { id: moveId, name: 'move', type: 'checkbox' });
  const switchButton = h('button', { type: 'submit', class: 'secondary' }, 'Switch');
  const switchNote = h('p', { class: 'hint', role: 'status' });
  const switchForm = h('form', { class: 'row switch' },
    h('label', { for: whoId }, 'Switch'), switchWho, h('label', { for: toId }, 'to'), switchTarget,
    h('label', { for: moveId }, switchMove, ' move them now'), switchButton);
  switchForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const participant = connection.meeting.participants.get(switchWho.value);
    if (!participant) return;
    const target = switchTarget.value.trim() || state.meetingId;
    const move = switchMove.checked;
    const name = `${participant.displayName} (${participant.id})`;
    const yes = await confirmAction({
      title: `Switch ${participant.displayName} to ${target}?`,
      message: move
        ? `${name} leaves ${other} (reason: switched) and joins ${target} at once; their apps follow ${target}.`
        : `${name}'s apps are asked to switch to ${target} (switch-meeting); nothing changes until they act.`,
      confirm: move ? `Move ${participant.displayName}` : `Ask ${participant.displayName}`,
    });
    if (!yes) return;
    await act({ slot: problem, context: `switching ${participant.id} to ${target}`, button: switchButton }, async () => {
      const answer = await participant.switchTo({ meetingId: target, move });
      switchNote.textContent = `${move ? 'Moved' : 'Asked'} ${participant.id} to ${target}: `
        + `${plural(answer.sessions, 'session')} reached.`;
    });
    scheduleRender();
  });
  const actions = h('div', { class: 'row actions' }, endOther, close);
  const element = h('article', { class: 'connection', 'aria-labelledby': titleId, 'data-connection': connection.id, 'data-meeting': other },
    h('h4', { id: titleId }, 'Connection to ', h('code', {}, other), ' ', status, ' ', dismiss),
    h('p', { class: 'meta' },
      connection.payload ? `Payload “${connection.payload}” · ` : 'No payload · ',
      `since ${dateTime(connection.createdAt)} · `, h('code', {}, connection.id)),
    h('p', { class: 'hint', id: peopleId }, `Participants of ${other}`),
    people, log, form, switchForm, switchNote, actions, problem);
  return { connection, element, status, people, log, form, actions, dismiss, problem, endOther, close, switchForm, switchWho, switchNote };
}

export function updateCard(card) {
  const { connection } = card;
  const other = connection.meeting;
  const closed = connection.closed;
  card.status.textContent = closed ? CLOSE_LABELS[connection.closeReason] ?? `closed: ${connection.closeReason}`
    : other.status === 'ended' ? 'ended' : 'open';
  card.status.className = `badge ${closed ? 'closed' : 'active'}`;
  card.element.classList.toggle('closed', closed);
  card.people.replaceChildren(...[...other.participants.values()].map((p) => h('li', { 'data-participant': p.id }, p.displayName, ' ', h('code', {}, p.id))));
  card.people.dataset.empty = closed ? 'Not shown any more: the connection has closed.' : 'Nobody is in this meeting.';
  const messages = state.chats.get(connection.id) ?? [];
  if (card.log.children.length !== messages.length) {
    card.log.replaceChildren(...messages.map((m) => h('li', {},
      h('span', { class: 'dir' }, m.direction === 'out' ? '→ ' : '← '), h('strong', {}, m.who), ': ', folded(m.text))));
    card.log.scrollTop = card.log.scrollHeight;
  }
  // A closed connection can no longer be used: only its history and Dismiss remain, and a
  // refusal of something done with it no longer applies.
  const me = state.bridge.identity.participantId;
  const member = Boolean(me && state.meeting?.participants.has(me));
  const moderates = canModerate(member);
  card.form.hidden = closed || !permits('chat', { member });
  card.endOther.hidden = !moderates || other.status === 'ended';
  card.close.hidden = !moderates;
  card.actions.hidden = closed || (card.endOther.hidden && card.close.hidden);
  const ids = [...other.participants.keys()];
  if (card.switchWho.options.length !== ids.length || ids.some((id, i) => card.switchWho.options[i].value !== id)) {
    const chosen = card.switchWho.value;
    card.switchWho.replaceChildren(...[...other.participants.values()].map((p) => h('option', { value: p.id }, `${p.displayName} (${p.id})`)));
    if (ids.includes(chosen)) card.switchWho.value = chosen;
  }
  card.switchForm.hidden = closed || !moderates || other.status === 'ended' || ids.length === 0;
  card.switchNote.hidden = closed || !card.switchNote.textContent;
  card.dismiss.hidden = !closed;
  if (closed) clearProblem(card.problem);
}
