-- Makes a session-bound participant leave with reason "disconnected", if its binding is still the
-- one the caller saw: so a re-join in time, or a second reaper, changes nothing.
-- ARGV 5 participant id, 6 "instance|session", 7 'away' (grace ran out) or 'any' (its instance died)
local binding = redis.call('HGET', PRESENCE, ARGV[5])
if not binding then
  return { 'not-bound' }
end
if binding ~= ARGV[6] .. '|away' and not (ARGV[7] == 'any' and binding == ARGV[6] .. '|bound') then
  return { 'rebound' }
end
redis.call('HDEL', PRESENCE, ARGV[5])
local participant = redis.call('HGET', PARTICIPANTS, ARGV[5])
if not participant then
  return { 'not-member' }
end
redis.call('HDEL', PARTICIPANTS, ARGV[5])
emit('participant-left', ',"participant":' .. participant .. ',"reason":"disconnected"')
return { 'ok', participant }
