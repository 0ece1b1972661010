-- An endpoint's health, shared by every instance: KEYS 1 its status hash. ARGV 1 'ok' or 'failing', 2 the
-- last error ('' keeps the one recorded), 3 now (milliseconds). Returns the state it had, so that only the
-- instance that changes it logs the change.
local old = redis.call('HGET', KEYS[1], 'state') or 'ok'
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'at', ARGV[3])
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'error', ARGV[2])
end
return old
