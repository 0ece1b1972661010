-- Prepended to every meeting script. One meeting's keys share a hash tag, so a script stays in one slot.
-- KEYS: 1 meeting hash, 2 participants hash, 3 open connections hash, 4 connection records hash, 5 history list,
--       6 presence hash (participant id to "instance|session|bound" or "instance|session|away")
-- ARGV: 1 meeting id, 2 event channel, 3 history length, 4 timestamp, 5.. the script's own arguments,
--       last: the deadline (Redis time in milliseconds)
-- Every script returns { its own result, the types of the events it published }.
local MEETING, PARTICIPANTS, CONNECTIONS, CONNECTION_INFO, HISTORY, PRESENCE =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local MEETING_ID, CHANNEL, MAX_EVENTS, NOW = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]

-- A script that starts after its deadline was given up by its caller (a frozen Redis runs the commands
-- it had received when it resumes): it must change nothing.
do
  local deadline = tonumber(ARGV[#ARGV])
  local time = redis.call('TIME')
  if deadline and tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) > deadline then
    return { { 'expired' }, {} }
  end
end

-- The types of the events this change published, returned beside its result (for metrics).
local EMITTED = {}

-- Takes the meeting's next sequence number, records the event in the capped history and publishes it,
-- in the same atomic step as the change it describes.
local function emit(eventType, rest)
  local sequence = redis.call('HINCRBY', MEETING, 'seq', 1)
  local event = '{"type":"' .. eventType .. '","meetingId":"' .. MEETING_ID .. '","sequence":' .. sequence
    .. ',"timestamp":"' .. NOW .. '"' .. rest .. '}'
  redis.call('RPUSH', HISTORY, event)
  redis.call('LTRIM', HISTORY, -MAX_EVENTS, -1)
  -- PUBLISH on a standalone Redis, SPUBLISH (sharded, same slot as the keys) on a cluster
  redis.call('__PUBLISH__', CHANNEL, event)
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
