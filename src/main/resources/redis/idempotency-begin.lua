-- Starts a request with an Idempotency-Key whose change takes several steps (creating or ending a meeting,
-- connecting two): its record is pending, with a lease, until the request completes or gives up.
-- KEYS 1 the record; ARGV 1 fingerprint, 2 lease (milliseconds), 3 how long the record is kept
-- (milliseconds), 4 what the request chose (a generated id) so that a takeover acts on the same, 5 deadline
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if now > tonumber(ARGV[5]) then
  return { 'expired' }
end
local record = redis.call('HMGET', KEYS[1], 'fingerprint', 'state', 'status', 'body', 'lease', 'ref')
if record[1] then
  if record[1] ~= ARGV[1] then
    return { 'idempotency-key-reused' }
  end
  if record[2] == 'done' then
    return { 'replayed', record[3], record[4] or '' }
  end
  local lease = tonumber(record[5]) or 0
  if lease > now then
    return { 'idempotency-key-in-progress', lease - now }
  end
  -- The request that began it stopped before it answered (its instance died): this one finishes it,
  -- with what it had chosen.
  redis.call('HSET', KEYS[1], 'lease', now + tonumber(ARGV[2]))
  return { 'takeover', record[6] }
end
redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'state', 'pending', 'lease', now + tonumber(ARGV[2]), 'ref', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return { 'begun', ARGV[4] }
