-- Keeps the answer of a request begun with idempotency-begin.lua. KEYS 1 the record; ARGV 1 fingerprint,
-- 2 status, 3 body, 4 how long the record is kept (milliseconds)
if redis.call('HGET', KEYS[1], 'fingerprint') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'pending' then
  return { 'not-pending' }
end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'body', ARGV[3])
redis.call('HDEL', KEYS[1], 'lease', 'ref')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return { 'ok' }
