-- Claims one message of the ingress channel for delivery: the first instance to claim its
-- place in the ingress order delivers it, the others find the claim and do not.
-- KEYS[1] the claim of this place (epoch and number); KEYS[2] the 1.0 ingress leader key
-- ARGV[1] digest of the message; ARGV[2] how long a claim is kept, in ms
-- Returns '' when this instance claimed the message, 'legacy' while a 1.0 instance leads
-- (it delivers everything), else the digest claimed at this place: another digest means
-- the caller numbers messages differently from whoever claimed first.
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 'legacy'
end
local claimed = redis.call('GET', KEYS[1])
if claimed then
  return claimed
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ''
