-- Reads a room's kept messages after an id, with what is needed to tell whether anything
-- after that id was lost: the epoch (first id of this incarnation of the room) and the
-- newest id trimmed away, both kept by the relay's publish script.
-- KEYS[1] room stream, KEYS[2] room sequence hash
-- ARGV[1] since (exclusive), ARGV[2] limit (0: none, only the ids)
-- Returns {epoch or '', newest dropped id or '0-0', last kept id or '', entries}.
local seq = redis.call('HMGET', KEYS[2], 'epoch', 'dropped')
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local entries = {}
local limit = tonumber(ARGV[2])
if limit > 0 then
  entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', limit)
end
return {seq[1] or '', seq[2] or '0-0', last[1] and last[1][1] or '', entries}
