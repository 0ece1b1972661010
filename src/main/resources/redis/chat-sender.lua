-- The sending meeting's side of a chat message, read in one step (it changes nothing): the meeting's
-- status, the sender's participant record, the connection's record and whether it is open.
-- ARGV 5 sender id, 6 connection id
return { 'ok', meetingStatus() or false, redis.call('HGET', PARTICIPANTS, ARGV[5]) or false,
  redis.call('HGET', CONNECTION_INFO, ARGV[6]) or false, redis.call('HEXISTS', CONNECTIONS, ARGV[6]) }
