-- The lease holder stops (its instance shuts down): the lease goes and the meeting is due at once, so that
-- another instance goes on without waiting for the lease to run out. KEYS 8 the delivery state, 9 the
-- endpoint's due schedule of this slot. ARGV 5 instance.
local STATE, DUE = KEYS[8], KEYS[9]
if redis.call('HGET', STATE, 'holder') ~= ARGV[5] then
  return { 'lost' }
end
redis.call('HDEL', STATE, 'holder', 'until')
redis.call('ZADD', DUE, 'XX', NOW_MILLIS, MEETING_ID)
return { 'ok' }
