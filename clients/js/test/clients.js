// Clients of a FakeBridge for the unit tests: connected with the fake's fetch and WebSocket,
// and closed after each test (register `afterEach(closeClients)` in the test file).
import { MeetingBridge } from '../src/index.js';
import { FakeBridge, token } from './fake-bridge.js';

/** The server token most tests act with. */
export const SERVER = Object.freeze({ sub: 'ops', roles: ['server'] });

const open = [];

/** Closes every client a test connected. */
export function closeClients() {
  open.splice(0).forEach((bridge) => bridge.close());
}

/**
 * A client of the fake, reconnecting quickly so that a test of a dropped session stays short.
 * @param {FakeBridge} fake
 * @param {object} [claims] the token's claims
 * @param {object} [options] more ConnectOptions
 */
export async function connect(fake, claims = SERVER, options = {}) {
  const bridge = await MeetingBridge.connect({
    url: 'http://bridge.test', token: token(claims), webSocketImpl: fake.WebSocket, fetchImpl: fake.fetch,
    reconnectDelayMs: 10, ...options,
  });
  open.push(bridge);
  return bridge;
}

/**
 * mars connected to earth (connection `c1`): the client follows mars, and earth through the
 * connection.
 * @param {{payload?: string, inEarth?: string[], options?: object}} [setUp] the connection's
 *   payload, who is in earth, more ConnectOptions
 */
export async function connectedMeetings({ payload = '', inEarth = [], options = {} } = {}) {
  const fake = new FakeBridge();
  const mars = fake.createMeeting('mars');
  fake.createMeeting('earth');
  for (const id of inEarth) fake.join('earth', id);
  mars.connections.push({ id: 'c1', payload, createdAt: new Date().toISOString(), meetingId: 'mars', meeting: { id: 'earth', participants: {} } });
  const bridge = await connect(fake, SERVER, options);
  const meeting = await bridge.meeting('mars');
  const connection = meeting.connections.get('c1');
  await connection.ready;
  return { fake, bridge, meeting, connection };
}
