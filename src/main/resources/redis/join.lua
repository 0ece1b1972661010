-- ARGV 5 participant id, 6 participant JSON, 7 "instance|session" of the STOMP session the participant is
-- bound to (a join over STOMP: joining and binding are one step, so no crash can leave one without the
-- other), or ''
local function bind()
  if ARGV[7] ~= '' then
    redis.call('HSET', PRESENCE, ARGV[5], ARGV[7] .. '|bound')
  end
end
local replay = replayed()
if replay then
  -- a repeated join over STOMP still binds the (perhaps new) session
  if replay[1] == 'replayed' and redis.call('HEXISTS', PARTICIPANTS, ARGV[5]) == 1 then
    bind()
  end
  return replay
end
local refusal = refuseUnlessActive()
if refusal then
  return { refusal }
end
local existing = redis.call('HGET', PARTICIPANTS, ARGV[5])
if existing then
  bind()
  remember('200', existing)
  return { 'already-member', existing }
end
redis.call('HSET', PARTICIPANTS, ARGV[5], ARGV[6])
bind()
emit('participant-joined', ',"participant":' .. ARGV[6])
remember('201', ARGV[6])
return { 'ok', ARGV[6] }
