/**
 * The meetings list of a server token: every meeting with its counts, sorted and filtered here,
 * refreshed by hand or on an interval the operator picks, under a totals line.
 */
import { $, act, confirmAction, dateTime, h, plural, time } from './ui.js';

const PAGE = 500;
const TOTALS_PAGES = 4;

const COLUMNS = [
  { key: 'id', label: 'Meeting', value: (m) => m.id },
  { key: 'status', label: 'Status', value: (m) => m.status },
  { key: 'createdAt', label: 'Created', value: (m) => m.createdAt ?? '' },
  { key: 'participantCount', label: 'Participants', value: (m) => m.participantCount ?? 0 },
  { key: 'connectionCount', label: 'Connections', value: (m) => m.connectionCount ?? 0 },
];

/**
 * @param {object} options
 * @param {() => import('/client/meeting-bridge.js').MeetingBridge | null} options.bridge
 * @param {(meetingId: string) => void} options.open opens a meeting (by its address)
 * @param {(meetingIds: string[]) => void} options.onRefresh told which meetings exist after each refresh
 */
export function meetingsList({ bridge, open, onRefresh }) {
  const list = {
    meetings: [],
    nextCursor: undefined,
    sort: { key: 'createdAt', descending: true },
    timer: undefined,
    updatedAt: undefined,
    webhooks: [],
  };

  async function refresh({ more = false } = {}) {
    const client = bridge();
    if (!client?.identity.isServer) return;
    await act({ slot: $('meetings-problem'), context: 'listing meetings', button: $('meetings-refresh') }, async () => {
      const [page, webhooks] = await Promise.all([
        client.listMeetings({ status: $('meetings-status').value || undefined, cursor: more ? list.nextCursor : undefined, limit: PAGE }),
        more ? undefined : client.listWebhooks(),
        more ? undefined : totals(client),
      ]);
      if (webhooks) list.webhooks = webhooks.endpoints;
      list.meetings = more ? [...list.meetings, ...page.meetings] : page.meetings;
      list.nextCursor = page.nextCursor;
      list.updatedAt = new Date();
      onRefresh(list.meetings.map((m) => m.id));
    });
    render();
  }

  /** Active meetings and their participants (a few pages at most), and this instance's sessions. */
  async function totals(client) {
    let meetings = 0;
    let participants = 0;
    let cursor;
    let capped = false;
    for (let page = 0; page < TOTALS_PAGES; page += 1) {
      const result = await client.listMeetings({ status: 'active', cursor, limit: PAGE });
      meetings += result.meetings.length;
      for (const m of result.meetings) participants += m.participantCount ?? 0;
      cursor = result.nextCursor;
      if (!cursor) break;
      capped = page === TOTALS_PAGES - 1;
    }
    const sessions = await fetch('/actuator/prometheus')
      .then((response) => (response.ok ? response.text() : ''))
      .then((text) => /^bridge_stomp_sessions(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1])
      .catch(() => undefined);
    const parts = [
      `${capped ? `${meetings}+` : meetings} active ${meetings === 1 ? 'meeting' : 'meetings'}`,
      `${plural(participants, 'participant')} in them`,
      sessions === undefined ? 'sessions on this instance unknown' : `${plural(Number(sessions), 'STOMP session')} on this instance`,
    ];
    $('meetings-totals').textContent = parts.join(' · ');
  }

  function shown() {
    const filter = $('meetings-filter').value.trim().toLowerCase();
    const column = COLUMNS.find((c) => c.key === list.sort.key);
    const direction = list.sort.descending ? -1 : 1;
    return list.meetings
      .filter((m) => !filter || m.id.toLowerCase().includes(filter))
      .sort((a, b) => {
        const x = column.value(a);
        const y = column.value(b);
        return (x < y ? -1 : x > y ? 1 : 0) * direction;
      });
  }

  function render() {
    $('meetings-head').replaceChildren(h('tr', {},
      COLUMNS.map((column) => {
        const active = list.sort.key === column.key;
        return h('th', { scope: 'col', 'aria-sort': active ? (list.sort.descending ? 'descending' : 'ascending') : 'none' },
          h('button', { type: 'button', class: 'sort', onclick: () => sortBy(column.key) },
            column.label, active ? (list.sort.descending ? ' ▼' : ' ▲') : ''));
      }),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions'))));
    const rows = shown();
    $('meetings-rows').replaceChildren(...rows.map((m) => h('tr', { 'data-meeting': m.id },
      h('td', {}, h('a', { href: `#/meetings/${encodeURIComponent(m.id)}` }, h('code', {}, m.id))),
      h('td', {}, h('span', { class: `badge ${m.status}` }, m.status)),
      h('td', { title: m.createdAt }, dateTime(m.createdAt)),
      h('td', {}, String(m.participantCount ?? 0)),
      h('td', {}, String(m.connectionCount ?? 0)),
      h('td', {},
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Open ${m.id}`, onclick: () => open(m.id) }, 'Open'),
        ' ',
        m.status === 'active'
          ? h('button', { type: 'button', class: 'danger', 'aria-label': `End ${m.id}`, onclick: (event) => end(m, event.currentTarget) }, 'End')
          : ''))));
    renderWebhooks();
    $('meetings-empty').textContent = rows.length ? ''
      : list.meetings.length ? 'No meeting matches the filter.' : 'No meetings to show.';
    $('meetings-more').hidden = !list.nextCursor;
    $('meetings-updated').textContent = list.updatedAt ? `Updated ${time(list.updatedAt.toISOString())}` : 'Not loaded yet';
    $('meetings-updated').dateTime = list.updatedAt?.toISOString() ?? '';
  }

  /** Each webhook endpoint's state, what it has pending and how late, and its last error. */
  function renderWebhooks() {
    $('webhooks-rows').replaceChildren(...list.webhooks.map((endpoint) => h('tr', { 'data-endpoint': endpoint.url },
      h('td', {}, h('code', {}, endpoint.url)),
      h('td', {}, h('span', { class: `badge ${endpoint.state === 'failing' ? 'ended' : 'active'}` }, endpoint.state)),
      h('td', {}, String(endpoint.pendingMeetings)),
      h('td', {}, endpoint.pendingMeetings ? `${endpoint.oldestPendingAge.toFixed(1)} s` : '–'),
      h('td', {}, endpoint.lastError ?? ''))));
    $('webhooks-empty').textContent = list.webhooks.length ? '' : 'No webhook endpoints configured.';
  }

  function sortBy(key) {
    list.sort = list.sort.key === key ? { key, descending: !list.sort.descending } : { key, descending: key !== 'id' && key !== 'status' };
    render();
  }

  async function end(meeting, button) {
    const yes = await confirmAction({
      title: `End ${meeting.id}?`,
      message: `Everyone in ${meeting.id} (${plural(meeting.participantCount ?? 0, 'participant')}) leaves and its `
        + `${plural(meeting.connectionCount ?? 0, 'connection')} close. An ended meeting cannot be joined again.`,
      confirm: `End ${meeting.id}`,
    });
    if (!yes) return;
    await act({ slot: $('meetings-problem'), context: `ending ${meeting.id}`, button }, () => bridge().endMeeting(meeting.id));
    await refresh();
  }

  /** Refreshes on the chosen interval (0: by hand only). */
  function schedule() {
    clearInterval(list.timer);
    const seconds = Number($('meetings-interval').value);
    list.timer = seconds ? setInterval(() => refresh(), seconds * 1000) : undefined;
  }

  function start() {
    schedule();
    return refresh();
  }

  function stop() {
    clearInterval(list.timer);
    list.timer = undefined;
    list.meetings = [];
    list.nextCursor = undefined;
    list.updatedAt = undefined;
    list.webhooks = [];
  }

  $('meetings-refresh').addEventListener('click', () => refresh());
  $('meetings-more').addEventListener('click', () => refresh({ more: true }));
  $('meetings-status').addEventListener('change', () => refresh());
  $('meetings-interval').addEventListener('change', schedule);
  $('meetings-filter').addEventListener('input', render);

  return { start, stop, refresh, get meetings() { return list.meetings; } };
}
