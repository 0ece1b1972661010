-- ARGV 5 connection id, 6 reason, 7 the connection's record as seen from this side ('' when unknown)
local replay = replayed()
if replay then
  return replay
end
if redis.call('HDEL', CONNECTIONS, ARGV[5]) == 0 then
  -- A side the connection has not opened yet keeps its record as closed, so that a connect still opening it
  -- finds it closed here (connection-open.lua); an ended meeting opens nothing, so it needs none.
  if ARGV[7] ~= '' and meetingStatus() == 'active' then
    redis.call('HSETNX', CONNECTION_INFO, ARGV[5], ARGV[7])
  end
  return { 'not-open' }
end
emit('connection-close', ',"connectionId":"' .. ARGV[5] .. '","reason":"' .. ARGV[6] .. '"')
remember('204', '')
return { 'ok' }
