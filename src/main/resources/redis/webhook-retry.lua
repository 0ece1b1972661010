-- The endpoint could not take the lease holder's next event (a time-out, a connection error, 408, 429 or
-- 5xx): one more attempt, the next one due after the delay, and the lease goes so that any instance may
-- make it. KEYS 8 the delivery state, 9 the endpoint's due schedule of this slot.
-- ARGV 5 instance, 6 delay in milliseconds, 7 how long the state is kept (milliseconds).
-- Returns 'lost' (another instance took the lease over) or { 'ok', attempts }.
local STATE, DUE = KEYS[8], KEYS[9]
if redis.call('HGET', STATE, 'holder') ~= ARGV[5] then
  return { 'lost' }
end
local attempts = redis.call('HINCRBY', STATE, 'attempts', 1)
local nextMillis = NOW_MILLIS + tonumber(ARGV[6])
redis.call('HSET', STATE, 'next', nextMillis)
redis.call('HDEL', STATE, 'holder', 'until')
redis.call('PEXPIRE', STATE, ARGV[7])
redis.call('ZADD', DUE, 'XX', nextMillis, MEETING_ID)
return { 'ok', attempts }
