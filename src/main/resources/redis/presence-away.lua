-- The binding's session ended: the participant is away until it re-joins or its grace runs out.
-- ARGV 5 participant id, 6 "instance|session"
if redis.call('HGET', PRESENCE, ARGV[5]) ~= ARGV[6] .. '|bound' then
  return { 'not-bound' }
end
redis.call('HSET', PRESENCE, ARGV[5], ARGV[6] .. '|away')
return { 'ok' }
