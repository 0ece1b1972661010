-- ARGV 5 participant id, 6 participant JSON
local refusal = refuseUnlessActive()
if refusal then
  return { refusal }
end
local existing = redis.call('HGET', PARTICIPANTS, ARGV[5])
if existing then
  return { 'already-member', existing }
end
redis.call('HSET', PARTICIPANTS, ARGV[5], ARGV[6])
emit('participant-joined', ',"participant":' .. ARGV[6])
return { 'ok', ARGV[6] }
