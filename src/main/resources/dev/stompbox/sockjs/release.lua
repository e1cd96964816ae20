-- Removes a SockJS session's record if this instance still holds it.
-- KEYS[1]: the session's record; ARGV[1]: this instance's id
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
