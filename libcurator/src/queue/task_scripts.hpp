#pragma once
// Lua scripts of RedisTaskQueue. Each runs atomically in Redis, which is what
// keeps the round-robin ring, the backlogs and the dispatch stream in step
// across any number of worker processes.
//
// Keys (P = `{name}:q:`): P..dispatch (stream, consumer group), P..ring (list
// of users with waiting tasks, in turn order), P..u:<user> (that user's
// backlog: list of `<prior deliveries>:<encoded task>`), P..wake (tokens that
// wake blocked fetchers), P..dead (stream of dead letters).
// Invariant: a user is in the ring exactly when their backlog is not empty.

#include <string_view>

namespace curator::queue::detail {

// Shared helpers, prepended to the scripts that need them.
inline constexpr std::string_view kTaskLuaHelpers = R"lua(
local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end
local function enqueue(ring, prefix, user, entry)
  redis.call('RPUSH', prefix .. user, entry)
  if not redis.call('LPOS', ring, user) then redis.call('RPUSH', ring, user) end
end
local function wake_up(wake, n, cap)
  local room = cap - redis.call('LLEN', wake)
  for _ = 1, math.min(n, room) do redis.call('RPUSH', wake, '1') end
end
)lua";

// KEYS: ring, wake. ARGV: backlog prefix, wake cap, then (user, entry) pairs.
inline constexpr std::string_view kPublishLua = R"lua(
local ring, wake, prefix, cap = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2])
local n = 0
for i = 3, #ARGV, 2 do
  enqueue(ring, prefix, ARGV[i], ARGV[i + 1])
  n = n + 1
end
wake_up(wake, n, cap)
return n
)lua";

// KEYS: dispatch, ring, wake, dead.
// ARGV: group, consumer, min idle ms, max deliveries, backlog prefix, dead
// maxlen, batch size, wake tokens the caller already took (0 or 1: its BLPOP
// returned one), then (id, consumer, deliveries) per delivery to ack first
// (the previous batch's: one round trip for both).
// Returns {a, ack flag (a times), n, id, deliveries, encoded task (n times),
// dead task, dead deliveries, ...}. First deliveries idle past the visibility timeout
// (XAUTOCLAIM), dead-lettered when they have used their deliveries; then
// users' turns for the rest of the batch: each turn moves the user to the back
// of the ring and one task from their backlog into the dispatch stream. The
// moved tasks are read by this consumer at once (one XREADGROUP COUNT n), so
// the stream never holds undelivered entries and the ring alone decides the
// order.
inline constexpr std::string_view kFetchLua = R"lua(
local dispatch, ring, wake, dead = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local group, consumer, min_idle = ARGV[1], ARGV[2], ARGV[3]
local max_deliveries, prefix, dead_len = tonumber(ARGV[4]), ARGV[5], ARGV[6]
local want, taken = tonumber(ARGV[7]), tonumber(ARGV[8])
local out = {0}
for i = 9, #ARGV, 3 do
  local acked = 0
  if owned(dispatch, group, ARGV[i], ARGV[i + 1], ARGV[i + 2]) then
    redis.call('XACK', dispatch, group, ARGV[i])
    redis.call('XDEL', dispatch, ARGV[i])
    acked = 1
  end
  out[1] = out[1] + 1
  out[#out + 1] = acked
end
if redis.call('EXISTS', dispatch) == 0 then
  redis.call('XGROUP', 'CREATE', dispatch, group, '0', 'MKSTREAM')
end
local got, buried = {}, {}
local n = 0
local cursor = '0-0'
repeat
  local claimed = redis.call('XAUTOCLAIM', dispatch, group, consumer, min_idle, cursor,
                             'COUNT', want - n)
  cursor = claimed[1]
  local entries = claimed[2]
  for i = 1, #entries do
    local entry = entries[i]
    if entry then
      local id, fields = entry[1], entry[2]
      local pending = redis.call('XPENDING', dispatch, group, id, id, 1)[1]
      local total = tonumber(field(fields, 'd') or '0') + pending[4]
      local task = field(fields, 't') or ''
      if total > max_deliveries then
        redis.call('XACK', dispatch, group, id)
        redis.call('XDEL', dispatch, id)
        redis.call('XADD', dead, 'MAXLEN', '~', dead_len, '*', 't', task, 'n', total - 1,
                   'r', 'expired')
        buried[#buried + 1] = task
        buried[#buried + 1] = total - 1
      else
        local at = #got
        got[at + 1], got[at + 2], got[at + 3] = id, total, task
        n = n + 1
      end
    end
  end
until cursor == '0-0' or n >= want
local moved = 0
while n + moved < want do
  local user = redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
  if not user then break end
  local backlog = prefix .. user
  local item = redis.call('LPOP', backlog)
  if redis.call('LLEN', backlog) == 0 then redis.call('LREM', ring, -1, user) end
  if item then
    local colon = string.find(item, ':', 1, true)
    local prior, task = '0', item
    if colon then prior, task = string.sub(item, 1, colon - 1), string.sub(item, colon + 1) end
    redis.call('XADD', dispatch, '*', 'u', user, 'd', prior, 't', task)
    moved = moved + 1
  end
end
if moved > 0 then
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', moved,
                          'STREAMS', dispatch, '>')
  for _, e in ipairs(read[1][2]) do
    local at = #got
    got[at + 1], got[at + 2], got[at + 3] = e[1], tonumber(field(e[2], 'd') or '0') + 1,
                                            field(e[2], 't') or ''
    n = n + 1
  end
end
-- Nothing waits any more, so every wake token is stale (a later publish adds
-- fresh ones). Otherwise each task moved from a backlog here used up the
-- token its publish left (one of them possibly already taken by the caller's
-- BLPOP); left behind, they would wake idle fetchers for nothing.
if redis.call('LLEN', ring) == 0 then
  redis.call('DEL', wake)
elseif moved > taken then
  redis.call('LTRIM', wake, moved - taken, -1)
end
out[#out + 1] = n
for i = 1, #got do out[#out + 1] = got[i] end
for i = 1, #buried do out[#out + 1] = buried[i] end
return out
)lua";

// The delivery check shared by ack, nack and touch: the entry is pending for
// this consumer with the delivery count the consumer was told.
inline constexpr std::string_view kOwnedLua = R"lua(
local function owned(dispatch, group, id, consumer, expected)
  if redis.call('EXISTS', dispatch) == 0 then return nil end
  local pending = redis.pcall('XPENDING', dispatch, group, id, id, 1)
  if type(pending) ~= 'table' or pending.err or not pending[1] then return nil end
  if pending[1][2] ~= consumer then return nil end
  local entry = redis.call('XRANGE', dispatch, id, id)[1]
  if not entry then return nil end
  local total = tonumber(field(entry[2], 'd') or '0') + pending[1][4]
  if total ~= tonumber(expected) then return nil end
  return entry
end
)lua";

// KEYS: dispatch. ARGV: group, then (id, consumer, deliveries) per delivery.
// Returns 1 (acked) or 0 (not owned) per delivery, in order.
inline constexpr std::string_view kAckLua = R"lua(
local out = {}
for i = 2, #ARGV, 3 do
  if owned(KEYS[1], ARGV[1], ARGV[i], ARGV[i + 1], ARGV[i + 2]) then
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
    redis.call('XDEL', KEYS[1], ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
)lua";

// KEYS: dispatch. ARGV: group, id, consumer, deliveries.
inline constexpr std::string_view kTouchLua = R"lua(
if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
return 1
)lua";

// KEYS: dispatch, ring, wake, dead.
// ARGV: group, id, consumer, deliveries, max deliveries, backlog prefix,
// dead maxlen, wake cap, dead-letter reason.
// Returns 0 (not owned), 1 (requeued) or 2 (dead-lettered).
inline constexpr std::string_view kNackLua = R"lua(
local dispatch, ring, wake, dead = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local entry = owned(dispatch, ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if not entry then return 0 end
redis.call('XACK', dispatch, ARGV[1], ARGV[2])
redis.call('XDEL', dispatch, ARGV[2])
local task = field(entry[2], 't') or ''
if tonumber(ARGV[4]) >= tonumber(ARGV[5]) then
  redis.call('XADD', dead, 'MAXLEN', '~', ARGV[7], '*', 't', task, 'n', ARGV[4], 'r', ARGV[9])
  return 2
end
enqueue(ring, ARGV[6], field(entry[2], 'u') or '', ARGV[4] .. ':' .. task)
wake_up(wake, 1, tonumber(ARGV[8]))
return 1
)lua";

// KEYS: dispatch, ring, dead. ARGV: group, backlog prefix.
inline constexpr std::string_view kStatsLua = R"lua(
local users = redis.call('LRANGE', KEYS[2], 0, -1)
local waiting = 0
for _, user in ipairs(users) do waiting = waiting + redis.call('LLEN', ARGV[2] .. user) end
local in_flight = 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  local summary = redis.pcall('XPENDING', KEYS[1], ARGV[1])
  if type(summary) == 'table' and not summary.err then in_flight = summary[1] end
end
return {waiting, in_flight, #users, redis.call('XLEN', KEYS[3])}
)lua";

}  // namespace curator::queue::detail
