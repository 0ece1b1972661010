-- Prepended to every meeting script. One meeting's keys share a hash tag, so a script stays in one slot.
-- KEYS: 1 meeting hash, 2 participants hash, 3 open connections hash, 4 connection records hash, 5 history list,
--       6 presence hash (participant id to "instance|session|bound" or "instance|session|away"),
--       7 the request's idempotency record (a key nothing writes when the request has no Idempotency-Key)
-- ARGV: 1 meeting id, 2 event channel, 3 history length, 4 timestamp, 5.. the script's own arguments, then
--       the webhook schedule's key prefix in this meeting's slot ('' without endpoints), the endpoints
--       ('id=*;' or 'id=,type,type,;' each), the request's idempotency fingerprint ('' without a key), how long its record is kept (milliseconds),
--       last: the deadline (Redis time in milliseconds)
-- Every script returns { its own result, the types of the events it published }.
local MEETING, PARTICIPANTS, CONNECTIONS, CONNECTION_INFO, HISTORY, PRESENCE, IDEMPOTENCY =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local MEETING_ID, CHANNEL, MAX_EVENTS, NOW = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local FINGERPRINT, KEEP_MILLIS = ARGV[#ARGV - 2], ARGV[#ARGV - 1]
local WEBHOOK_SHARD, WEBHOOK_ENDPOINTS = ARGV[#ARGV - 4], ARGV[#ARGV - 3]

-- A script that starts after its deadline was given up by its caller (a frozen Redis runs the commands
-- it had received when it resumes): it must change nothing.
local NOW_MILLIS
do
  local deadline = tonumber(ARGV[#ARGV])
  local time = redis.call('TIME')
  NOW_MILLIS = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  if deadline and NOW_MILLIS > deadline then
    return { { 'expired' }, {} }
  end
end

-- The types of the events this change published, returned beside its result (for metrics).
local EMITTED = {}

-- The meeting's epoch names its history: (epoch, sequence) names one event, and the epoch changes when
-- the history may have gone back (epoch-reset.lua). A meeting hash without one gets one on first use, from
-- Redis's clock.
local EPOCH
local function epoch()
  if not EPOCH then
    EPOCH = redis.call('HGET', MEETING, 'epoch')
    if not EPOCH then
      EPOCH = string.format('t%x', NOW_MILLIS)
      redis.call('HSET', MEETING, 'epoch', EPOCH)
    end
  end
  return EPOCH
end

-- Schedules an event for every webhook endpoint that takes its type, in the same step that records it. A
-- meeting already pending keeps its due time (it may be backing off) and its cursor. One that becomes pending
-- had every event an endpoint wants delivered, so its cursor moves up to just before this one; after an
-- epoch change the cursor stays, and the deliverer reports what the endpoint can no longer get.
local function scheduleWebhooks(eventType, sequence)
  if WEBHOOK_SHARD == '' then
    return
  end
  for endpoint, types in string.gmatch(WEBHOOK_ENDPOINTS, '([^=;]+)=([^;]*)') do
    if types == '*' or string.find(types, ',' .. eventType .. ',', 1, true) then
      if redis.call('ZADD', WEBHOOK_SHARD .. endpoint .. ':due', 'NX', NOW_MILLIS, MEETING_ID) == 1 then
        redis.call('ZADD', WEBHOOK_SHARD .. endpoint .. ':since', 'NX', NOW_MILLIS, MEETING_ID)
        local state = string.sub(MEETING, 1, -8) .. 'webhook:' .. endpoint
        local cursorEpoch = redis.call('HGET', state, 'epoch')
        if not cursorEpoch or cursorEpoch == epoch() then
          redis.call('HSET', state, 'epoch', epoch(), 'seq', sequence - 1, 'attempts', 0)
        end
      end
    end
  end
end

-- Takes the meeting's next sequence number, records the event in the capped history and publishes it,
-- in the same atomic step as the change it describes.
local function emit(eventType, rest)
  local sequence = redis.call('HINCRBY', MEETING, 'seq', 1)
  local event = '{"type":"' .. eventType .. '","meetingId":"' .. MEETING_ID .. '","epoch":"' .. epoch()
    .. '","sequence":' .. sequence .. ',"timestamp":"' .. NOW .. '"' .. rest .. '}'
  redis.call('RPUSH', HISTORY, event)
  redis.call('LTRIM', HISTORY, -MAX_EVENTS, -1)
  -- PUBLISH on a standalone Redis, SPUBLISH (sharded, same slot as the keys) on a cluster
  redis.call('__PUBLISH__', CHANNEL, event)
  scheduleWebhooks(eventType, sequence)
  EMITTED[#EMITTED + 1] = eventType
  return event
end

local function meetingStatus()
  return redis.call('HGET', MEETING, 'status')
end

-- nil when the meeting is active, otherwise the refusal code
local function refuseUnlessActive()
  local status = meetingStatus()
  if not status then
    return 'meeting-not-found'
  end
  if status ~= 'active' then
    return 'meeting-ended'
  end
  return nil
end

-- The participant leaves: its record and binding go, and participant-left is published with `rest` after the
-- participant. Returns its record, or false and the refusal when the meeting or the participant is not there.
local function removeParticipant(id, rest)
  if not meetingStatus() then
    return false, 'meeting-not-found'
  end
  local existing = redis.call('HGET', PARTICIPANTS, id)
  if not existing then
    return false, 'participant-not-found'
  end
  redis.call('HDEL', PARTICIPANTS, id)
  redis.call('HDEL', PRESENCE, id)
  emit('participant-left', ',"participant":' .. existing .. rest)
  return existing
end

-- One side of a connection, for a script that reads it beside its own things: { the record or false, 1 when
-- open }, as the connection feature decodes it.
local function connectionSide(id)
  return { redis.call('HGET', CONNECTION_INFO, id) or false, redis.call('HEXISTS', CONNECTIONS, id) }
end

-- For a request with an Idempotency-Key whose answer is kept: that answer ({ 'replayed', status, body }), or
-- why it cannot be given (the key was used for another request, or that request is still under way); nil
-- when this request is the first with its key.
local function replayed()
  if FINGERPRINT == '' then
    return nil
  end
  local record = redis.call('HMGET', IDEMPOTENCY, 'fingerprint', 'state', 'status', 'body', 'lease')
  if not record[1] then
    return nil
  end
  if record[1] ~= FINGERPRINT then
    return { 'idempotency-key-reused' }
  end
  if record[2] == 'done' then
    return { 'replayed', record[3], record[4] or '' }
  end
  return { 'idempotency-key-in-progress', math.max(0, (tonumber(record[5]) or 0) - NOW_MILLIS) }
end

-- Keeps the answer of a request with an Idempotency-Key, in the same step as the change it answers.
local function remember(status, body)
  if FINGERPRINT ~= '' then
    redis.call('HSET', IDEMPOTENCY, 'fingerprint', FINGERPRINT, 'state', 'done', 'status', status, 'body', body)
    redis.call('PEXPIRE', IDEMPOTENCY, KEEP_MILLIS)
  end
end
