-- ARGV 5 participant id, 6 reason
local replay = replayed()
if replay then
  return replay
end
if not meetingStatus() then
  return { 'meeting-not-found' }
end
local existing = redis.call('HGET', PARTICIPANTS, ARGV[5])
if not existing then
  return { 'participant-not-found' }
end
redis.call('HDEL', PARTICIPANTS, ARGV[5])
redis.call('HDEL', PRESENCE, ARGV[5])
emit('participant-left', ',"participant":' .. existing .. ',"reason":"' .. ARGV[6] .. '"')
remember('204', '')
return { 'ok', existing }
