-- KEYS 1 link; ARGV 1 connection id. Only the connection that holds the link releases it. The link holds the
-- connection's record, or its id alone.
local current = redis.call('GET', KEYS[1])
if current and (string.sub(current, 1, 1) == '{' and cjson.decode(current).id or current) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
