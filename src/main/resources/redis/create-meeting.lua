-- ARGV 5 the meeting's first epoch, 6 the id of the idempotency record of the request that creates it, or ''
if redis.call('EXISTS', MEETING) == 1 then
  if ARGV[6] ~= '' and redis.call('HGET', MEETING, 'createdBy') == ARGV[6] then
    -- created by an earlier attempt of this same request
    return { 'ok' }
  end
  return { 'meeting-exists' }
end
redis.call('HSET', MEETING, 'id', MEETING_ID, 'status', 'active', 'createdAt', NOW, 'seq', 0, 'epoch', ARGV[5])
if ARGV[6] ~= '' then
  redis.call('HSET', MEETING, 'createdBy', ARGV[6])
end
return { 'ok' }
