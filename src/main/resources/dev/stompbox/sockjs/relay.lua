-- Relays a request of a SockJS session to the instance holding it, in one round trip.
-- KEYS[1]: the session's record (sockjs:<session>), holding the instance's id
-- ARGV[1]: what per-instance names start with; ARGV[2]: the lease suffix;
-- ARGV[3]: the SockJS channel suffix; ARGV[4]: the message
-- Returns {} when no instance holds the session, else {holder, receivers}: receivers is
-- -1 when the holder's lease expired (it died), 0 when nothing listens on its channel.
local holder = redis.call('GET', KEYS[1])
if not holder then
  return {}
end
if redis.call('EXISTS', ARGV[1] .. holder .. ARGV[2]) == 0 then
  return {holder, -1}
end
return {holder, redis.call('PUBLISH', ARGV[1] .. holder .. ARGV[3], ARGV[4])}
