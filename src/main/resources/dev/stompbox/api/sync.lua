-- Places a sync marker in the ingress order. The first instance that knows its place
-- ("epoch:number", the place of the last message before it) writes it; every instance
-- then takes its place from here, so all number the messages after it alike.
-- KEYS[1] the marker's place; KEYS[2] the epoch counter
-- ARGV[1] the caller's place, '' when it has none; ARGV[2] '1' to start a new epoch when
-- the caller has no place and nobody placed the marker; ARGV[3] how long it is kept, in ms
-- Returns the marker's place, or nil while it has none.
local placed = redis.call('GET', KEYS[1])
if placed then
  return placed
end
local place = ARGV[1]
if place == '' then
  if ARGV[2] ~= '1' then
    return false
  end
  -- Epochs never repeat, not even after Redis restarted empty: an instance that has not yet
  -- noticed the restart must not find its old numbers in use again.
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local epoch = redis.call('INCR', KEYS[2])
  if epoch < now then
    epoch = now
    redis.call('SET', KEYS[2], string.format('%d', epoch))
  end
  place = string.format('%d', epoch) .. ':0'
end
redis.call('SET', KEYS[1], place, 'PX', ARGV[3])
return place
