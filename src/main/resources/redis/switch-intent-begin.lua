-- Records a move before its first step, under the lease of the instance that carries it out.
-- KEYS 1 pending moves (zset), 2 the intent (hash)
-- ARGV 1 switch id, 2 participant id, 3 from meeting, 4 to meeting, 5 lease owner, 6 lease (milliseconds),
--      7 how long the intent is kept at most (milliseconds), 8 the switch-meeting message its sessions get
-- Returns the lease's end, in Redis time (milliseconds)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local leaseUntil = now + tonumber(ARGV[6])
redis.call('HSET', KEYS[2], 'participant', ARGV[2], 'from', ARGV[3], 'to', ARGV[4], 'owner', ARGV[5],
  'leaseUntil', leaseUntil, 'message', ARGV[8])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
redis.call('ZADD', KEYS[1], leaseUntil, ARGV[1])
return leaseUntil
