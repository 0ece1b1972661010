-- Publishes on the receiving meeting. ARGV 5 connection id, 6 chat message JSON (also the answer to the sender)
local replay = replayed()
if replay then
  return replay
end
local refusal = refuseUnlessActive()
if refusal then
  return { refusal }
end
if redis.call('HEXISTS', CONNECTIONS, ARGV[5]) == 0 then
  return { 'connection-closed' }
end
emit('chat-message', ',"message":' .. ARGV[6])
remember('201', ARGV[6])
return { 'ok' }
