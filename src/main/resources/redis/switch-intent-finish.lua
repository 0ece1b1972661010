-- Forgets a move that was carried out or dropped, if the caller still owns it.
-- KEYS 1 pending moves, 2 the intent
-- ARGV 1 switch id, 2 owner
if redis.call('HGET', KEYS[2], 'owner') ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
