-- Publishes on the receiving meeting. ARGV 5 connection id, 6 chat message JSON
local refusal = refuseUnlessActive()
if refusal then
  return { refusal }
end
if redis.call('HEXISTS', CONNECTIONS, ARGV[5]) == 0 then
  return { 'connection-closed' }
end
emit('chat-message', ',"message":' .. ARGV[6])
return { 'ok' }
