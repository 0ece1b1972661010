-- Step two of moving a participant: it joins (with "from", the meeting it left), and its binding comes
-- with it, so that its session-bound presence follows. Also the undo (back into the meeting it left,
-- without "from") when the target ended meanwhile. The marker (KEYS[8]) makes a repeat change nothing.
-- ARGV 5 participant id, 6 participant JSON, 7 binding or '', 8 meeting it comes from or '',
--      9 how long the marker is kept (milliseconds)
-- Returns { 'ok', 'joined' | 'member' }
local MARKER = KEYS[8]
local done = redis.call('GET', MARKER)
if done then
  return { 'ok', done }
end
local refusal = refuseUnlessActive()
if refusal then
  return { refusal }
end
local result = 'member'
if redis.call('HEXISTS', PARTICIPANTS, ARGV[5]) == 0 then
  redis.call('HSET', PARTICIPANTS, ARGV[5], ARGV[6])
  if ARGV[7] ~= '' then
    redis.call('HSET', PRESENCE, ARGV[5], ARGV[7])
  end
  local from = ''
  if ARGV[8] ~= '' then
    from = ',"from":"' .. ARGV[8] .. '"'
  end
  emit('participant-joined', ',"participant":' .. ARGV[6] .. from)
  result = 'joined'
end
redis.call('SET', MARKER, result, 'PX', ARGV[9])
return { 'ok', result }
