-- Presence of users in rooms across instances. A user is present while at least one of
-- their sessions, on any instance, has joined. Join and leave events are published here,
-- atomically with the change, so each is sent exactly once however many instances run.
--
-- What a join, a leave or a disconnect does here does not grow with the room's size: no
-- operation reads a whole room. Member lists are pages of the room's users in user id
-- order, at most as long as the caller asks.
--
-- Per room, under the prefix P = ARGV[2] .. '{' .. room .. '}:':
--   P .. 'sessions'  hash sessionId -> userId
--   P .. 'users'     hash userId -> number of sessions
--   P .. 'names'     hash userId -> display name
--   P .. 'order'     sorted set of the user ids, all of score 0: ordered by id, for pages
-- Per instance I, under ARGV[3] .. I:
--   ':presence'      set of "room \n sessionId" the instance holds
--   ':lease'         exists while the instance is alive
-- The room's presence channel is ARGV[4] .. room.
--
-- ARGV[1] operation: join | leave | members | reap
-- join:    ARGV[5] instance, ARGV[6] room, ARGV[7] session, ARGV[8] user, ARGV[9] name,
--          ARGV[10] most members listed (0 or absent: none, as when a session is written again)
--          Returns {present users, members JSON}: the first users by id, the joining one
--          always among them.
-- leave:   ARGV[5] instance, ARGV[6] room, ARGV[7] session. Returns 1 when it was joined.
-- members: ARGV[6] room, ARGV[7] list users after this id ('' from the first), ARGV[8] most listed
--          Returns {present users, the `after` of the next page or '', members JSON}.
-- reap:    ARGV[5] the calling instance; KEYS[1] the set of instances
local op = ARGV[1]

-- Users named in one HMGET at most: unpack has a limit, and one huge call blocks Redis longer.
local BATCH = 1000

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

-- The room's ordered user ids, and how many users are present. A room written by an older
-- version, which kept no order, gets it once.
local function order(room)
  local key = room_key(room, 'order')
  local count = redis.call('HLEN', room_key(room, 'users'))
  if redis.call('ZCARD', key) ~= count then
    redis.call('DEL', key)
    for _, user in ipairs(redis.call('HKEYS', room_key(room, 'users'))) do
      redis.call('ZADD', key, 0, user)
    end
  end
  return key, count
end

-- The given users as one JSON array of {userId, name, sessions}: a single bulk reply is far
-- cheaper for the instance's Redis I/O thread to read than three bulk strings per member.
local function describe(room, users)
  if #users == 0 then
    return '[]'
  end
  local result = {}
  for first = 1, #users, BATCH do
    local batch = {}
    for i = first, math.min(first + BATCH - 1, #users) do
      table.insert(batch, users[i])
    end
    local counts = redis.call('HMGET', room_key(room, 'users'), unpack(batch))
    local names = redis.call('HMGET', room_key(room, 'names'), unpack(batch))
    for k, user in ipairs(batch) do
      table.insert(result, {userId = user, name = names[k] or user, sessions = tonumber(counts[k]) or 0})
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
    redis.call('ZREM', room_key(room, 'order'), user)
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
      redis.call('ZADD', room_key(room, 'order'), 0, user)
      publish('join', room, user, name)
    end
  end
  local key, count = order(room)
  local limit = tonumber(ARGV[10]) or 0
  local users = {}
  if limit > 0 then
    users = redis.call('ZRANGEBYLEX', key, '-', '+', 'LIMIT', 0, limit)
    local listed = false
    for _, listed_user in ipairs(users) do
      if listed_user == user then
        listed = true
        break
      end
    end
    if not listed then
      -- Not among the first: the joining user sorts after all of them, so it takes the last place.
      users[math.min(#users + 1, limit)] = user
    end
  end
  return {count, describe(room, users)}
elseif op == 'leave' then
  return leave(ARGV[5], ARGV[6], ARGV[7])
elseif op == 'members' then
  local room, after, limit = ARGV[6], ARGV[7], tonumber(ARGV[8])
  local key, count = order(room)
  local from = (after == '') and '-' or ('(' .. after)
  local users = redis.call('ZRANGEBYLEX', key, from, '+', 'LIMIT', 0, limit + 1)
  local next = ''
  if #users > limit then
    users[#users] = nil
    next = users[#users]
  end
  return {count, next, describe(room, users)}
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
