-- Binds a member to the STOMP session that joined it. ARGV 5 participant id, 6 "instance|session"
if not redis.call('HGET', PARTICIPANTS, ARGV[5]) then
  return { 'participant-not-found' }
end
redis.call('HSET', PRESENCE, ARGV[5], ARGV[6] .. '|bound')
return { 'ok' }
