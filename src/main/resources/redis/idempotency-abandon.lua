-- A request begun with idempotency-begin.lua was refused (it changed nothing): its key is free again, since
-- refusals are not kept. KEYS 1 the record; ARGV 1 fingerprint
if redis.call('HGET', KEYS[1], 'fingerprint') == ARGV[1] and redis.call('HGET', KEYS[1], 'state') == 'pending' then
  redis.call('DEL', KEYS[1])
  return { 'ok' }
end
return { 'not-pending' }
