-- ARGV 5 connection id, 6 reason
local replay = replayed()
if replay then
  return replay
end
if redis.call('HDEL', CONNECTIONS, ARGV[5]) == 0 then
  return { 'not-open' }
end
emit('connection-close', ',"connectionId":"' .. ARGV[5] .. '","reason":"' .. ARGV[6] .. '"')
remember('204', '')
return { 'ok' }
