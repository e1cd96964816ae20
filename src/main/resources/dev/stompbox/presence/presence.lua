-- Presence of users in rooms across instances. A user is present while at least one of
-- their sessions, on any instance, has joined. Join and leave events are published here,
-- atomically with the change, so each is sent exactly once however many instances run.
--
-- Per room, under the prefix P = ARGV[2] .. '{' .. room .. '}:':
--   P .. 'sessions'  hash sessionId -> userId
--   P .. 'users'     hash userId -> number of sessions
--   P .. 'names'     hash userId -> display name
-- Per instance I, under ARGV[3] .. I:
--   ':presence'      set of "room \n sessionId" the instance holds
--   ':lease'         exists while the instance is alive
-- The room's presence channel is ARGV[4] .. room.
--
-- ARGV[1] operation: join | leave | members | reap
-- join:    ARGV[5] instance, ARGV[6] room, ARGV[7] session, ARGV[8] user, ARGV[9] name
-- leave:   ARGV[5] instance, ARGV[6] room, ARGV[7] session
-- members: ARGV[6] room
-- reap:    ARGV[5] the calling instance; KEYS[1] the set of instances
local op = ARGV[1]

local function room_key(room, part)
  return ARGV[2] .. '{' .. room .. '}:' .. part
end

local function now()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local function publish(kind, room, user, name)
  local count = redis.call('HLEN', room_key(room, 'users'))
  local event = cjson.encode({type = kind, roomId = room, userId = user, name = name, ts = now(), count = count})
  redis.call('PUBLISH', ARGV[4] .. room, event)
end

-- All members as one JSON array of {userId, name, sessions}: a single bulk reply is far
-- cheaper for the instance's Redis I/O thread to read than three bulk strings per member,
-- and that thread is what a storm of joins waits on.
local function members(room)
  local counts = redis.call('HGETALL', room_key(room, 'users'))
  if #counts == 0 then
    return '[]'
  end
  local names_key = room_key(room, 'names')
  local result = {}
  -- Names in one HMGET per thousand members, not one HGET each (a storm of joins spent
  -- most of its Redis time there).
  for first = 1, #counts, 2000 do
    local users = {}
    for i = first, math.min(first + 1998, #counts - 1), 2 do
      table.insert(users, counts[i])
    end
    local names = redis.call('HMGET', names_key, unpack(users))
    for k, user in ipairs(users) do
      table.insert(result, {userId = user, name = names[k] or user, sessions = tonumber(counts[first + (k - 1) * 2 + 1])})
    end
  end
  return cjson.encode(result)
end

local function leave(instance, room, session)
  local user = redis.call('HGET', room_key(room, 'sessions'), session)
  redis.call('SREM', ARGV[3] .. instance .. ':presence', room .. '\n' .. session)
  if not user then
    return 0
  end
  redis.call('HDEL', room_key(room, 'sessions'), session)
  if redis.call('HINCRBY', room_key(room, 'users'), user, -1) <= 0 then
    local name = redis.call('HGET', room_key(room, 'names'), user) or user
    redis.call('HDEL', room_key(room, 'users'), user)
    redis.call('HDEL', room_key(room, 'names'), user)
    publish('leave', room, user, name)
  end
  return 1
end

if op == 'join' then
  local instance, room, session, user, name = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
  if redis.call('HSETNX', room_key(room, 'sessions'), session, user) == 1 then
    redis.call('SADD', ARGV[3] .. instance .. ':presence', room .. '\n' .. session)
    redis.call('HSET', room_key(room, 'names'), user, name)
    if redis.call('HINCRBY', room_key(room, 'users'), user, 1) == 1 then
      publish('join', room, user, name)
    end
  end
  return members(room)
elseif op == 'leave' then
  return leave(ARGV[5], ARGV[6], ARGV[7])
elseif op == 'members' then
  return members(ARGV[6])
elseif op == 'reap' then
  -- Removes the sessions of every instance whose lease expired. The lease check and the
  -- removal are one atomic step: when several survivors reap at once, one does the work.
  local reaped = 0
  for _, instance in ipairs(redis.call('SMEMBERS', KEYS[1])) do
    if instance ~= ARGV[5] and redis.call('EXISTS', ARGV[3] .. instance .. ':lease') == 0 then
      local held = ARGV[3] .. instance .. ':presence'
      for _, entry in ipairs(redis.call('SMEMBERS', held)) do
        local cut = string.find(entry, '\n', 1, true)
        reaped = reaped + leave(instance, string.sub(entry, 1, cut - 1), string.sub(entry, cut + 1))
      end
      redis.call('DEL', held)
      redis.call('SREM', KEYS[1], instance)
    end
  end
  return reaped
end
return redis.error_reply('unknown operation ' .. tostring(op))
