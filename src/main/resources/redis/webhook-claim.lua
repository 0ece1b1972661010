-- Takes (or renews) the lease on delivering this meeting's events to one endpoint, and reads what to send.
-- KEYS 8 the delivery state, 9 the endpoint's due schedule of this slot, 10 its since schedule.
-- ARGV 5 instance, 6 lease in milliseconds, 7 most events to read.
-- Returns 'idle' (nothing pending), 'later' (backing off), 'held' (another live instance delivers), 'gone'
-- (the meeting was removed), or { 'ok', epoch, skipped from, skipped to, latest, attempts, events }: skipped
-- from > 0 when events the endpoint has not had fell out of the history (or the epoch changed under it).
local STATE, DUE, SINCE = KEYS[8], KEYS[9], KEYS[10]
local due = redis.call('ZSCORE', DUE, MEETING_ID)
if not due then
  return { 'idle' }
end
local lease = redis.call('HMGET', STATE, 'holder', 'until')
local mine = lease[1] == ARGV[5] and tonumber(lease[2] or 0) > NOW_MILLIS
if not mine then
  if lease[1] and tonumber(lease[2] or 0) > NOW_MILLIS then
    return { 'held' }
  end
  if tonumber(due) > NOW_MILLIS then
    return { 'later', tonumber(due) }
  end
end
if redis.call('EXISTS', MEETING) == 0 then
  redis.call('ZREM', DUE, MEETING_ID)
  redis.call('ZREM', SINCE, MEETING_ID)
  redis.call('DEL', STATE)
  return { 'gone' }
end
local untilMillis = NOW_MILLIS + tonumber(ARGV[6])
redis.call('HSET', STATE, 'holder', ARGV[5], 'until', untilMillis)
-- Other instances' schedule sweeps look again when the lease would have run out.
redis.call('ZADD', DUE, 'XX', untilMillis, MEETING_ID)
local current = epoch()
local latest = tonumber(redis.call('HGET', MEETING, 'seq') or 0)
local first = latest - redis.call('LLEN', HISTORY) + 1
local state = redis.call('HMGET', STATE, 'epoch', 'seq', 'attempts')
local from
if not state[1] then
  from = first
elseif state[1] ~= current then
  from = 1
else
  from = tonumber(state[2]) + 1
end
local skippedFrom, skippedTo = 0, 0
if from < first then
  skippedFrom, skippedTo = from, first - 1
  from = first
end
local events = {}
if from <= latest then
  events = redis.call('LRANGE', HISTORY, from - first, from - first + tonumber(ARGV[7]) - 1)
end
return { 'ok', current, skippedFrom, skippedTo, latest, tonumber(state[3] or 0), events }
