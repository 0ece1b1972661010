-- ARGV 5 connection id, 6 other meeting id, 7 connection record JSON, 8 connection JSON as seen from this side
local refusal = refuseUnlessActive()
if refusal then
  return { refusal }
end
if redis.call('HEXISTS', CONNECTIONS, ARGV[5]) == 1 then
  return { 'already-open' }
end
-- A connection closes for good: a side that holds its record without it being open has closed it (or stood
-- for it while the other side closed, connection-close.lua), so a late opener cannot open it again.
if redis.call('HEXISTS', CONNECTION_INFO, ARGV[5]) == 1 then
  return { 'connection-closed' }
end
redis.call('HSET', CONNECTIONS, ARGV[5], ARGV[6])
redis.call('HSET', CONNECTION_INFO, ARGV[5], ARGV[7])
emit('connection-open', ',"connection":' .. ARGV[8])
return { 'ok' }
