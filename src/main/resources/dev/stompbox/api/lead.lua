-- Takes or keeps the ingress leadership: the one instance that reads the ingress channel.
-- KEYS[1] leader key; ARGV[1] this instance; ARGV[2] lease in ms
-- Returns 1 when this instance leads.
local current = redis.call('GET', KEYS[1])
if not current or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
