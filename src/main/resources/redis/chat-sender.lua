-- The sending meeting's side of a chat message, read in one step: the meeting's status, the sender's
-- participant record and the connection's side (connectionSide); and, when all of that lets the
-- message go (and the caller's token does: ARGV 7), a token of the sender's chat bucket.
-- KEYS 8 the sender's token bucket (a hash in this meeting's slot)
-- ARGV 5 sender id, 6 connection id, 7 '1' when the caller's token allows the chat, 8 tokens per second,
--      9 burst
-- Returns the wait for a token in milliseconds: -1 when none was asked for, 0 when one was taken.
local status = meetingStatus()
local sender = redis.call('HGET', PARTICIPANTS, ARGV[5])
local connection = connectionSide(ARGV[6])
local wait = -1
if ARGV[7] == '1' and status == 'active' and sender and connection[1] and connection[2] == 1 then
  local rate, burst = tonumber(ARGV[8]), tonumber(ARGV[9])
  local state = redis.call('HMGET', KEYS[8], 'tokens', 'at')
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if not tokens then
    tokens, at = burst, NOW_MILLIS
  end
  tokens = math.min(burst, tokens + math.max(0, NOW_MILLIS - at) * rate / 1000)
  if tokens >= 1 then
    tokens, wait = tokens - 1, 0
  else
    wait = math.ceil((1 - tokens) * 1000 / rate)
  end
  redis.call('HSET', KEYS[8], 'tokens', tostring(tokens), 'at', NOW_MILLIS)
  redis.call('PEXPIRE', KEYS[8], math.ceil(burst * 1000 / rate) + 1000)
end
return { 'ok', status or false, sender or false, connection, wait }
