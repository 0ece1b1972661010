-- First step of ending: the meeting refuses everything from now on, every participant leaves and
-- this side of every open connection closes. The caller then closes the other sides and finishes.
local refusal = refuseUnlessActive()
if refusal then
  return { refusal }
end
redis.call('HSET', MEETING, 'status', 'ended', 'endedAt', NOW)
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
return { 'ok', connections }
