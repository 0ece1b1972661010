// What an application written in TypeScript sees of the published types (compiled by `npm run check`
// against types/, the declarations the package ships). Lines marked @ts-expect-error must stay errors.
import MeetingBridgeDefault, {
  BridgeError, MeetingBridge, type BridgeEvent, type ChatMessage, type Connection, type Participant, type SyncEvent,
  type SwitchAnswer, type SwitchMeeting,
} from '@meeting-bridge/client';

export async function usage(token: string): Promise<void> {
  const bridge: MeetingBridge = await MeetingBridgeDefault.connect({ url: 'http://localhost:8080', token, retryForMs: 10000 });
  const meeting = await bridge.meeting('mars', { join: { displayName: 'Alice' } });
  const connection: Connection = await meeting.connectTo({ meetingId: 'earth', payload: 'Hello Everyone.' });

  connection.meeting.on('participant-joined', (participant: Participant, event) => {
    const sequence: number = event.sequence;
    const epoch: string = event.epoch;
    const type: 'participant-joined' = event.type;
    console.log(participant.displayName, sequence, epoch, type);
  });
  connection.meeting.on('participant-left', (participant, event) => console.log(participant.id, event.reason));
  connection.meeting.on('chat-message', (message: ChatMessage) => console.log(message.sender.displayName, message.message));
  meeting.on('connection-open', (opened: Connection) => console.log(opened.meeting.participants.size));
  meeting.on('sync', (sync: SyncEvent) => console.log(sync.reason, sync.reloaded, meeting.epoch?.length));
  meeting.on('*', (event: BridgeEvent | SyncEvent) => console.log(event.type));
  bridge.on('state', (state) => console.log(state === 'reconnecting'));
  bridge.on('error', (problem) => console.log(problem.title, problem.code));

  const participants: Map<string, Participant> = connection.meeting.participants;
  const sent: ChatMessage = await connection.meeting.sendChatMessage('Hi there, from MARS!');
  const ended = await connection.meeting.end();
  const status: 'active' | 'ended' = ended.status;
  console.log(participants.size, sent.id, status);

  try {
    await meeting.connectTo({ meetingId: 'earth' });
  } catch (error) {
    if (error instanceof BridgeError) {
      const fields: { field: string; message: string }[] | undefined = error.errors;
      console.log(error.status, error.code, error.title, error.detail, fields);
    }
  }

  // VideoSDK's spelling of chat-message is accepted; a typo of it is not
  connection.meeting.on('chat-meesage', (message: ChatMessage) => console.log(message.message));
  // @ts-expect-error: not an event of a meeting
  connection.meeting.on('chat-mesage', () => {});
  bridge.on('token-expiring', ({ expiresAt, inMs }) => console.log(expiresAt, inMs));
  bridge.on('token-expired', ({ refused }) => console.log(refused));
  meeting.on('lost', ({ reason }) => console.log(reason));
  // @ts-expect-error: participant-joined gives a Participant, not a ChatMessage
  connection.meeting.on('participant-joined', (message: ChatMessage) => console.log(message.message));
  // @ts-expect-error: a chat message is a string
  await connection.meeting.sendChatMessage({ text: 'hi' });

  // switchTo, as VideoSDK's connectionParticipant.switchTo
  const asked: SwitchAnswer | undefined = await connection.meeting.participants.get('bob')
    ?.switchTo({ meetingId: 'venus', token: 'token-for-venus', payload: 'Please join venus' });
  console.log(asked?.switchId, asked?.sessions);
  await connection.meeting.participants.get('bob')?.switchTo({ meetingId: 'venus', move: true });
  meeting.on('switch-meeting', (message: SwitchMeeting, target) => {
    const to: string = message.meetingId;
    console.log(to, message.token, message.payload, message.moved, target?.participants.size);
  });
  // @ts-expect-error: switchTo needs the meeting to switch to
  await connection.meeting.participants.get('bob')?.switchTo({ payload: 'where?' });
}

import { verifyWebhook, WebhookVerificationError, type WebhookPayload } from '@meeting-bridge/client';

export async function receiving(body: string, headers: Record<string, string>, secret: string): Promise<void> {
  try {
    const payload: WebhookPayload = await verifyWebhook(body, headers, secret, { toleranceSeconds: 60 });
    if (payload.type === 'events-skipped') {
      const from: number = payload.data.fromSequence;
      console.log(payload.data.meetingId, from);
    }
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      console.log(error.message);
    }
  }
  // @ts-expect-error the body is a string or bytes
  await verifyWebhook(42, headers, secret);
}
