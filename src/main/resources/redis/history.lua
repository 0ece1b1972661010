-- ARGV 5 after (sequence), 6 limit. The history holds the newest events of the meeting's epoch, with
-- contiguous sequences. Returns the latest sequence, the events and the epoch.
if redis.call('EXISTS', MEETING) == 0 then
  return { 'meeting-not-found' }
end
local latest = tonumber(redis.call('HGET', MEETING, 'seq'))
-- Nothing after the newest event; also keeps huge 'after' values out of LRANGE's integer arguments.
if tonumber(ARGV[5]) >= latest then
  return { 'ok', latest, {}, epoch() }
end
local first = latest - redis.call('LLEN', HISTORY) + 1
local from = math.max(tonumber(ARGV[5]) + 1, first)
local startIndex = from - first
return { 'ok', latest, redis.call('LRANGE', HISTORY, startIndex, startIndex + tonumber(ARGV[6]) - 1), epoch() }
