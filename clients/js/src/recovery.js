import { seg } from './rest.js';
import { RESYNC_CLOSE_CODE } from './stomp/session.js';

/** @typedef {import('./errors.js').BridgeError} BridgeError */
/** @typedef {import('./stomp/session.js').SessionEnd} SessionEnd */
/** @typedef {import('./types.js').SwitchMeeting} SwitchMeeting */
/** @typedef {import('./meeting.js').Meeting} Meeting */
/** @typedef {import('./bridge.js').MeetingBridge} MeetingBridge */

/**
 * Keeps the client's session and the participants bound to it: when the STOMP session drops,
 * reconnect with a capped, jittered back-off, let every followed meeting catch up (from the
 * history, or from a fresh snapshot when the bridge asked for a resync), then re-bind the
 * participants it joined bound to its session that are still there; when the bridge moves a
 * bound participant to another meeting, follow and re-bind it there.
 * @internal
 */
export class SessionRecovery {
  /**
   * @param {MeetingBridge} bridge
   * @param {{reconnectDelayMs: number, maxReconnectDelayMs: number}} delays
   */
  constructor(bridge, { reconnectDelayMs, maxReconnectDelayMs }) {
    this.bridge = bridge;
    this.firstDelayMs = reconnectDelayMs;
    this.maxDelayMs = maxReconnectDelayMs;
    /** Meetings the acting participant joined bound to the session: meeting id to display name. */
    this.bound = new Map();
    /** The latest `switch-meeting` ids heard, so that one told again (a retried move) is heard once. */
    this.switchesHeard = new Set();
    /** The bridge closed the last session with `resync`: reload, do not fill. */
    this.resyncPending = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }

  /**
   * The session closed: reconnect, unless the client was closed or the bridge refused the token.
   * @param {SessionEnd} end
   */
  sessionLost(end) {
    const bridge = this.bridge;
    if (bridge.isClosed()) return;
    if (end.error?.code === 'unauthenticated') {
      bridge.refusedToken(end.error);
      return;
    }
    // 4000 resync: the bridge could not fill a gap from the history, or the meeting's history was
    // reset (a new epoch); reconnect and reload.
    if (end.code === RESYNC_CLOSE_CODE) this.resyncPending = true;
    bridge.setState('reconnecting');
    this.schedule(this.firstDelayMs);
  }

  /** @param {number} delay before the next attempt, jittered down to half of it */
  schedule(delay) {
    clearTimeout(this.timer);
    const jittered = delay / 2 + Math.random() * (delay / 2);
    this.timer = setTimeout(async () => {
      const bridge = this.bridge;
      if (bridge.isClosed()) return;
      try {
        await bridge.link.start();
      } catch (error) {
        const problem = /** @type {BridgeError} */ (error);
        if (problem?.code === 'unauthenticated') bridge.refusedToken(problem.problem);
        else if (!bridge.isClosed()) this.schedule(Math.min(delay * 2, this.maxDelayMs));
        return;
      }
      bridge.setState('connected');
      await this.catchUp();
    }, jittered);
  }

  /**
   * A `switch-meeting` for this client's participant: every meeting it follows as its own hears
   * it. When the bridge moved the participant, the client follows the target first (re-binding it
   * after reconnects as it did the meeting it left); the meeting it left stops by itself on its
   * `participant-left` (`switched`). A switch id heard before (the bridge tells it again when a
   * retried move takes over an attempt whose instance stopped) is not heard again.
   * @param {SwitchMeeting} message
   */
  async onSwitch(message) {
    if (this.switchesHeard.has(message.switchId)) return;
    this.switchesHeard.add(message.switchId);
    if (this.switchesHeard.size > 64) this.switchesHeard.delete(this.switchesHeard.values().next().value);
    const bridge = this.bridge;
    const sources = [...bridge.meetings.values()].filter((meeting) => meeting.id !== message.meetingId);
    /** @type {Meeting | undefined} */
    let target;
    if (message.moved) {
      const bound = this.bound;
      const boundAs = sources.map((meeting) => bound.get(meeting.id)).find((name) => name !== undefined);
      target = await bridge.meeting(message.meetingId);
      if (boundAs !== undefined) bound.set(target.id, boundAs);
    }
    for (const meeting of sources) meeting.emitSwitch(message, target);
  }

  /** Stops reconnecting. */
  stop() {
    clearTimeout(this.timer);
  }

  /**
   * After a reconnect: let every followed meeting catch up, then re-bind the session-bound
   * participants that are still bound. The catch-up comes first so that a leave of the acting
   * participant while the client was away (moved, removed, or gone after the presence grace)
   * ends following that meeting and its binding, instead of the participant being joined again.
   */
  async catchUp() {
    const bridge = this.bridge;
    const generation = bridge.generation();
    const resync = this.resyncPending;
    this.resyncPending = false;
    await bridge.resumeFeeds(resync);
    for (const [meetingId, displayName] of [...this.bound]) {
      if (generation !== bridge.generation()) return;
      if (!this.bound.has(meetingId)) continue;
      try {
        await bridge.request('POST', `/api/meetings/${seg(meetingId)}/participants`, { displayName });
        bridge.sendFrame(`/app/meetings/${seg(meetingId)}/join`, { displayName });
      } catch (error) {
        this.bound.delete(meetingId);
        const problem = /** @type {BridgeError} */ (error);
        bridge.report(problem.problem ?? { title: 'Re-join failed', status: 0, detail: String(error) });
      }
    }
    if (generation === bridge.generation() && bridge.state === 'connected') bridge.emitter.emit('reconnected');
  }
}
