-- ARGV 5 participant id, 6 reason
local replay = replayed()
if replay then
  return replay
end
local left, refusal = removeParticipant(ARGV[5], ',"reason":"' .. ARGV[6] .. '"')
if not left then
  return { refusal }
end
remember('204', '')
return { 'ok', left }
