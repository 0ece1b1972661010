-- Step one of moving a participant (a switch with "move"): it leaves with reason "switched", naming where
-- it goes. The switch's marker (KEYS[8]) keeps what left, so that a repeat changes nothing and whoever
-- finishes the switch can tell that this step happened.
-- ARGV 5 participant id, 6 target meeting id, 7 how long the marker is kept (milliseconds)
-- Returns { 'ok', participant JSON, its binding here ("instance|session|bound" or "|away", or '') }
local MARKER = KEYS[8]
local done = redis.call('HMGET', MARKER, 'participant', 'binding')
if done[1] then
  return { 'ok', done[1], done[2] or '' }
end
local binding = redis.call('HGET', PRESENCE, ARGV[5]) or ''
local existing, refusal = removeParticipant(ARGV[5], ',"reason":"switched","to":"' .. ARGV[6] .. '"')
if not existing then
  return { refusal }
end
redis.call('HSET', MARKER, 'participant', existing, 'binding', binding)
redis.call('PEXPIRE', MARKER, ARGV[7])
return { 'ok', existing, binding }
