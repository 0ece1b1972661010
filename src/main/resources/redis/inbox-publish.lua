-- Publishes on an instance's inbox: PUBLISH on a standalone Redis, SPUBLISH (sharded, on the node that owns
-- the channel's slot) on a cluster. Returns how many subscribers received it.
return redis.call('__PUBLISH__', KEYS[1], ARGV[1])
