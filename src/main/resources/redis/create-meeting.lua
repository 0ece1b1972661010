if redis.call('EXISTS', MEETING) == 1 then
  return { 'meeting-exists' }
end
redis.call('HSET', MEETING, 'id', MEETING_ID, 'status', 'active', 'createdAt', NOW, 'seq', 0)
return { 'ok' }
