-- Stamps, dedupes, keeps and publishes one room message in a single atomic step, so the
-- order of ids, of history and of delivery is the same on every instance.
-- KEYS[1] room stream, KEYS[2] room sequence hash (last, epoch, dropped), KEYS[3] dedupe key
-- ARGV[1] room channel
-- ARGV[2] envelope JSON between the id and the ts, ARGV[3] envelope JSON after the ts (EnvelopeParts)
-- ARGV[4] '1' when ephemeral (published, not kept)
-- ARGV[5] history size, ARGV[6] history TTL in ms, ARGV[7] dedupe window in ms, '0' for none
-- Returns {id, duplicate (0|1)}.
if ARGV[7] ~= '0' then
  local first = redis.call('GET', KEYS[3])
  if first then
    return {first, 1}
  end
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ms, seq = now, 0
local last = redis.call('HGET', KEYS[2], 'last')
if last then
  local dash = string.find(last, '-', 1, true)
  local last_ms = tonumber(string.sub(last, 1, dash - 1))
  if now <= last_ms then
    ms = last_ms
    seq = tonumber(string.sub(last, dash + 1)) + 1
  end
else
  redis.call('HSET', KEYS[2], 'epoch', string.format('%d-%d', ms, seq))
end
local id = string.format('%d-%d', ms, seq)
redis.call('HSET', KEYS[2], 'last', id)
local json = '{"id":"' .. id .. ARGV[2] .. string.format('%d', now) .. ARGV[3]
local size = tonumber(ARGV[5])
if ARGV[4] ~= '1' and size > 0 then
  -- Remember the newest id trimmed away: a client whose last id is older missed some.
  local excess = redis.call('XLEN', KEYS[1]) - size + 1
  if excess > 0 then
    local gone = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)
    redis.call('HSET', KEYS[2], 'dropped', gone[#gone][1])
  end
  redis.call('XADD', KEYS[1], 'MAXLEN', size, id, 'm', json)
elseif ARGV[4] ~= '1' then
  -- Nothing is kept: the message is dropped at once, and a client that missed it missed it.
  redis.call('HSET', KEYS[2], 'dropped', id)
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
if ARGV[7] ~= '0' then
  redis.call('SET', KEYS[3], id, 'PX', ARGV[7])
end
redis.call('PUBLISH', ARGV[1], json)
return {id, 0}
