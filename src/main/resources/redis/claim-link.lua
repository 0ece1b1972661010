-- The pair key names the one connection that joins two meetings and holds its record, so that every connect
-- of the pair gets the same connection from this one step, whichever claimed it.
-- KEYS 1 link; ARGV 1 the claiming connect's connection record (JSON), 2 the id of a connection found closed
-- (it may be replaced), or ''
-- Returns the record of the connection that holds the pair (or its id alone, where the key holds only that).
local current = redis.call('GET', KEYS[1])
local holder = current and (string.sub(current, 1, 1) == '{' and cjson.decode(current).id or current)
if current and holder ~= ARGV[2] then
  return current
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
