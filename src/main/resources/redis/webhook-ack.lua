-- Records that the lease holder is done with the meeting's events up to (epoch, sequence) for one endpoint:
-- delivered, dropped, skipped or not wanted. Caught up: the meeting leaves the schedule and the lease goes.
-- KEYS 8 the delivery state, 9 the endpoint's due schedule of this slot, 10 its since schedule.
-- ARGV 5 instance, 6 epoch, 7 sequence, 8 lease in milliseconds, 9 since when the next event waits
-- (milliseconds), 10 how long the state is kept (milliseconds).
-- Returns 'lost' (another instance took the lease over), 'done' or 'more'.
local STATE, DUE, SINCE = KEYS[8], KEYS[9], KEYS[10]
if redis.call('HGET', STATE, 'holder') ~= ARGV[5] then
  return { 'lost' }
end
redis.call('HSET', STATE, 'epoch', ARGV[6], 'seq', ARGV[7], 'attempts', 0)
redis.call('HDEL', STATE, 'next')
redis.call('PEXPIRE', STATE, ARGV[10])
local caughtUp = true
if redis.call('EXISTS', MEETING) == 1 then
  caughtUp = ARGV[6] == epoch() and tonumber(ARGV[7]) >= tonumber(redis.call('HGET', MEETING, 'seq') or 0)
end
if caughtUp then
  redis.call('ZREM', DUE, MEETING_ID)
  redis.call('ZREM', SINCE, MEETING_ID)
  redis.call('HDEL', STATE, 'holder', 'until')
  return { 'done' }
end
local untilMillis = NOW_MILLIS + tonumber(ARGV[8])
redis.call('HSET', STATE, 'until', untilMillis)
redis.call('ZADD', DUE, 'XX', untilMillis, MEETING_ID)
redis.call('ZADD', SINCE, 'XX', ARGV[9], MEETING_ID)
return { 'more' }
