-- Sends one user event to each instance that holds sessions of the user, and forgets
-- instances that are gone (no listener and no lease) on the way.
-- KEYS[1] the user's set of instances
-- ARGV[1] payload, ARGV[2] instance key prefix, ARGV[3] events channel suffix, ARGV[4] lease suffix
-- Returns the number of instances the event was published to.
local sent = 0
for _, instance in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local receivers = redis.call('PUBLISH', ARGV[2] .. instance .. ARGV[3], ARGV[1])
  if receivers == 0 and redis.call('EXISTS', ARGV[2] .. instance .. ARGV[4]) == 0 then
    redis.call('SREM', KEYS[1], instance)
  else
    sent = sent + 1
  end
end
return sent
