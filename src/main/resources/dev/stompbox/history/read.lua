-- Reads a room's kept messages after an id, with what is needed to tell whether anything
-- after that id was lost: the epoch (first id of this incarnation of the room) and the
-- newest id trimmed away (or never kept), both kept by the relay's publish script.
-- KEYS[1] room stream, KEYS[2] room sequence hash
-- ARGV[1] since (exclusive), ARGV[2] limit (0: none, only the ids), ARGV[3] most bytes of
-- messages (the first one always comes, so a reader paging by the last id moves on)
-- Returns {epoch or '', newest dropped id or '0-0', newest id or '', message JSONs,
-- 1 when more messages after the last returned are kept else 0}.
local seq = redis.call('HMGET', KEYS[2], 'epoch', 'dropped')
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local messages = {}
local more = 0
local limit = tonumber(ARGV[2])
if limit > 0 then
  local budget = tonumber(ARGV[3])
  local bytes = 0
  for i, entry in ipairs(redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', limit + 1)) do
    local json = entry[2][2]
    bytes = bytes + #json
    if i > limit or (i > 1 and bytes > budget) then
      more = 1
      break
    end
    messages[i] = json
  end
end
-- The newest id: the newest kept one, or when nothing is kept (a history size of 0) the
-- newest that was dropped.
local newest = (last[1] and last[1][1]) or (seq[2] or '')
return {seq[1] or '', seq[2] or '0-0', newest, messages, more}
