/**
 * Addresses: `#/meetings/{id}` opens a meeting, `#/` shows none; the back button walks them.
 */
import { closeMeetingView, showMeeting } from './follow.js';
import { render } from './render.js';
import { state } from './state.js';

export function meetingInAddress() {
  const match = /^#\/meetings\/([^/]+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

/** Shows a meeting (or none) by changing the address; `route` follows it. */
export function go(meetingId) {
  const hash = meetingId ? `#/meetings/${encodeURIComponent(meetingId)}` : '#/';
  if (location.hash !== hash) location.hash = hash;
  route();
}

export function route() {
  if (!state.bridge) return;
  const meetingId = meetingInAddress();
  if (meetingId === state.meetingId) return;
  if (meetingId) showMeeting(meetingId);
  else {
    closeMeetingView();
    render();
  }
}
