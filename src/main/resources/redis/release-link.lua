-- KEYS 1 link; ARGV 1 connection id. Only the connection that holds the link releases it.
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).id == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
