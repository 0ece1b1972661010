-- The history went back (Redis lost acknowledged writes): the meeting gets a new epoch, so that no
-- (epoch, sequence) ever names two different events, and its history starts again after the sequence it
-- has now. Only if the epoch is still the one the caller saw: a second instance that noticed the same loss
-- changes nothing. ARGV 5 the epoch the caller saw, 6 the new epoch
local latest = redis.call('HGET', MEETING, 'seq')
if not latest then
  return { 'meeting-not-found' }
end
local current = epoch()
if current ~= ARGV[5] then
  return { 'moved', current, tonumber(latest) }
end
redis.call('HSET', MEETING, 'epoch', ARGV[6])
redis.call('DEL', HISTORY)
return { 'ok', ARGV[6], tonumber(latest) }
