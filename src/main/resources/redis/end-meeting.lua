-- First step of ending: the meeting refuses everything from now on, every participant leaves and
-- this side of every open connection closes. The caller then closes the other sides and finishes.
-- ARGV 5 the id of the idempotency record of the request that ends it, or ''
local refusal = refuseUnlessActive()
if refusal then
  if refusal == 'meeting-ended' and ARGV[5] ~= '' and redis.call('HGET', MEETING, 'endedByRequest') == ARGV[5] then
    -- ended by an earlier attempt of this same request, which may not have got to finish
    return { 'ended-by-this-request', cjson.decode(redis.call('HGET', MEETING, 'endedConnections') or '[]') }
  end
  return { refusal }
end
redis.call('HSET', MEETING, 'status', 'ended', 'endedAt', NOW)
if ARGV[5] ~= '' then
  redis.call('HSET', MEETING, 'endedByRequest', ARGV[5])
end
local participants = redis.call('HGETALL', PARTICIPANTS)
for i = 1, #participants, 2 do
  emit('participant-left', ',"participant":' .. participants[i + 1] .. ',"reason":"meeting-ended"')
end
redis.call('DEL', PARTICIPANTS, PRESENCE)
local connections = redis.call('HGETALL', CONNECTIONS)
for i = 1, #connections, 2 do
  emit('connection-close', ',"connectionId":"' .. connections[i] .. '","reason":"meeting-ended"')
end
redis.call('DEL', CONNECTIONS)
if ARGV[5] ~= '' and #connections > 0 then
  redis.call('HSET', MEETING, 'endedConnections', cjson.encode(connections))
end
return { 'ok', connections }
