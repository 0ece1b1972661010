-- ARGV 5 endedBy JSON or '', 6 retention in seconds
if meetingStatus() ~= 'ended' then
  return { 'not-ended' }
end
if redis.call('HSETNX', MEETING, 'finished', '1') == 0 then
  return { 'already-finished' }
end
local rest = ''
if ARGV[5] ~= '' then
  redis.call('HSET', MEETING, 'endedBy', ARGV[5])
  rest = ',"endedBy":' .. ARGV[5]
end
emit('meeting-ended', rest)
local ttl = tonumber(ARGV[6])
for _, key in ipairs(KEYS) do
  redis.call('EXPIRE', key, ttl)
end
return { 'ok' }
