-- Gives up the preference to claim ingress messages at once, if this instance holds it.
-- KEYS[1] the preference; ARGV[1] this instance's id
-- Returns 1 when it was given up, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
