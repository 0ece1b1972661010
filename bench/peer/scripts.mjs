// The peer's Lua scripts (also loaded by the harness for the redis-benchmark ceiling of scenario 3).
// Shared by the meeting scripts: KEYS 1 meeting, 2 participants, 3 connections, 4 history;
// ARGV 1 meeting id, 2 history length, 3 timestamp, 4.. the script's own.
export const PRELUDE = `
local MEETING, PARTICIPANTS, CONNECTIONS, HISTORY = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local MEETING_ID, MAX_EVENTS, NOW = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local function emitTo(meetingKey, historyKey, meetingId, eventType, rest)
  local sequence = redis.call('HINCRBY', meetingKey, 'seq', 1)
  local event = '{"type":"' .. eventType .. '","meetingId":"' .. meetingId .. '","sequence":' .. sequence
    .. ',"timestamp":"' .. NOW .. '"' .. rest .. '}'
  redis.call('RPUSH', historyKey, event)
  redis.call('LTRIM', historyKey, -MAX_EVENTS, -1)
  return event
end
local function emit(eventType, rest)
  return emitTo(MEETING, HISTORY, MEETING_ID, eventType, rest)
end
local function refuseUnlessActive(meetingKey)
  local status = redis.call('HGET', meetingKey, 'status')
  if not status then return 'meeting-not-found' end
  if status ~= 'active' then return 'meeting-ended' end
  return nil
end
`;

export const SCRIPTS = {
  // ARGV 4 created-at
  create: `${PRELUDE}
if redis.call('EXISTS', MEETING) == 1 then return { 'meeting-exists' } end
redis.call('HSET', MEETING, 'status', 'active', 'createdAt', NOW, 'seq', 0)
return { 'ok' }`,
  // ARGV 4 participant id, 5 participant JSON
  join: `${PRELUDE}
local refusal = refuseUnlessActive(MEETING)
if refusal then return { refusal } end
local existing = redis.call('HGET', PARTICIPANTS, ARGV[4])
if existing then return { 'already-member', existing } end
redis.call('HSET', PARTICIPANTS, ARGV[4], ARGV[5])
return { 'ok', ARGV[5], emit('participant-joined', ',"participant":' .. ARGV[5]) }`,
  // ARGV 4 participant id, 5 reason
  leave: `${PRELUDE}
if not redis.call('HGET', MEETING, 'status') then return { 'meeting-not-found' } end
local existing = redis.call('HGET', PARTICIPANTS, ARGV[4])
if not existing then return { 'participant-not-found' } end
redis.call('HDEL', PARTICIPANTS, ARGV[4])
return { 'ok', existing, emit('participant-left', ',"participant":' .. existing .. ',"reason":"' .. ARGV[5] .. '"') }`,
  // KEYS 5 other meeting, 6 other connections, 7 other history; ARGV 4 other id, 5 connection id, 6 payload (JSON string)
  connect: `${PRELUDE}
local refusal = refuseUnlessActive(MEETING) or refuseUnlessActive(KEYS[5])
if refusal then return { refusal } end
local all = redis.call('HGETALL', CONNECTIONS)
for i = 1, #all, 2 do
  if all[i + 1] == ARGV[4] then return { 'existing', all[i] } end
end
redis.call('HSET', CONNECTIONS, ARGV[5], ARGV[4])
redis.call('HSET', KEYS[6], ARGV[5], MEETING_ID)
local function side(mine, other)
  return ',"connection":{"id":"' .. ARGV[5] .. '","payload":' .. ARGV[6] .. ',"createdAt":"' .. NOW
    .. '","meetingId":"' .. mine .. '","meeting":{"id":"' .. other .. '"}}'
end
local here = emit('connection-open', side(MEETING_ID, ARGV[4]))
local there = emitTo(KEYS[5], KEYS[7], ARGV[4], 'connection-open', side(ARGV[4], MEETING_ID))
return { 'ok', ARGV[5], here, there }`,
  // The bridge's chat path in one call: sender membership, open connection, the per-participant
  // token bucket, the receiving meeting's state, sequence and capped history.
  // KEYS 1 meeting, 2 participants, 3 connections, 4 history (the sending meeting), 5 sender's bucket;
  // ARGV 4 connection id, 5 sender id, 6 message id, 7 message text, 8 key prefix, 9 rate, 10 burst
  chat: `${PRELUDE}
local refusal = refuseUnlessActive(MEETING)
if refusal then return { refusal } end
local sender = redis.call('HGET', PARTICIPANTS, ARGV[5])
if not sender then return { 'forbidden' } end
local to = redis.call('HGET', CONNECTIONS, ARGV[4])
if not to then return { 'connection-closed' } end
local rate, burst = tonumber(ARGV[9]), tonumber(ARGV[10])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[5], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if not tokens then tokens, at = burst, now end
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[5], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[5], math.ceil(burst * 1000 / rate) + 1000)
if wait > 0 then return { 'rate-limited', tostring(wait) } end
local target = ARGV[8] .. ':{m:' .. to .. '}:'
local status = redis.call('HGET', target .. 'meeting', 'status')
if not status then return { 'meeting-not-found' } end
if status ~= 'active' then return { 'meeting-ended' } end
local name = cjson.decode(sender).displayName
local chat = '{"id":"' .. ARGV[6] .. '","connectionId":"' .. ARGV[4] .. '","fromMeetingId":"' .. MEETING_ID
  .. '","toMeetingId":"' .. to .. '","sender":{"id":"' .. ARGV[5] .. '","displayName":' .. cjson.encode(name)
  .. '},"message":' .. cjson.encode(ARGV[7]) .. ',"timestamp":"' .. NOW .. '"}'
local event = emitTo(target .. 'meeting', target .. 'history', to, 'chat-message', ',"message":' .. chat)
return { 'ok', to, chat, event }`,
};


/** How many KEYS each script takes. */
export const KEY_COUNTS = { create: 4, join: 4, leave: 4, connect: 7, chat: 5 };
