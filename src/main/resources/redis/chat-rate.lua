-- Gives back the chat token a refused or repeated message took (chat-sender.lua took it).
-- KEYS 1 the sender's token bucket; ARGV 1 burst
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens then
  redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[1]), tokens + 1)))
end
return 0
