-- The pair key names the one connection that joins two meetings.
-- KEYS 1 link; ARGV 1 new connection id, 2 a connection id known to be closed (may be replaced), or ''
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[2] then
  return current
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
