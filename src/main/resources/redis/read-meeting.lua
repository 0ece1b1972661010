-- A consistent snapshot of one meeting: its fields, participants and open connections.
local fields = redis.call('HGETALL', MEETING)
if #fields == 0 then
  return { 'meeting-not-found' }
end
return { 'ok', fields, redis.call('HGETALL', PARTICIPANTS), redis.call('HGETALL', CONNECTIONS) }
