-- Takes over a move whose owner's lease ran out (its instance died, or it gave up): only one instance
-- succeeds, and the previous owner's steps can no longer start (their deadline was its lease's end).
-- KEYS 1 pending moves, 2 the intent
-- ARGV 1 switch id, 2 new owner, 3 lease (milliseconds)
-- Returns { 'ok', lease end, participant, from, to, message } | { 'held' } | { 'gone' }
local intent = redis.call('HMGET', KEYS[2], 'participant', 'from', 'to', 'leaseUntil', 'message')
if not intent[1] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return { 'gone' }
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if now <= tonumber(intent[4]) then
  return { 'held' }
end
local leaseUntil = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[2], 'owner', ARGV[2], 'leaseUntil', leaseUntil)
redis.call('ZADD', KEYS[1], leaseUntil, ARGV[1])
return { 'ok', tostring(leaseUntil), intent[1], intent[2], intent[3], intent[5] or '' }
