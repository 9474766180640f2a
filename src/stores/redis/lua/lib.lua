-- Shared prelude, prepended to every command script by scripts.ts (not a command of its own).
-- KEYS[1] of every command is '<prefix>:meta'; every other key the script touches is derived from
-- the same prefix, which carries the store's hash tag ({...}), so all keys share one Cluster slot.
local P = string.sub(KEYS[1], 1, -6)
local MAX_HISTORY = 16000

local function key(...) return P .. ':' .. table.concat({...}, ':') end
local function jobKey(id) return P .. ':job:' .. id end
-- queued members are zero-padded ids, so equal order keys sort by id
local function pad(id) return string.format('%016d', tonumber(id)) end
local function num(v) if v == false or v == nil or v == '' then return nil end return tonumber(v) end
local function fmt(n) return string.format('%d', n) end

-- Appends one transition line (at TAB from TAB to TAB attempt TAB reason), keeping the newest part.
local function appendHistory(jk, now, from, to, attempt, reason)
  local h = redis.call('HGET', jk, 'h') or ''
  h = h .. '\n' .. fmt(now) .. '\t' .. (from or '') .. '\t' .. to .. '\t' .. fmt(attempt) .. '\t' .. (reason or '')
  if #h > MAX_HISTORY then h = string.sub(h, -MAX_HISTORY) end
  return h
end

-- Per queue and state counts (stats, pendingCount) move with every transition.
local function count(q, state, by) redis.call('HINCRBY', P .. ':counts', q .. '\t' .. state, by) end

-- Removes a job from the index of the state it leaves.
local function leaveIndex(id, q, state, worker)
  if state == 'queued' then redis.call('ZREM', key('queued', q), pad(id))
  elseif state == 'scheduled' then redis.call('ZREM', P .. ':scheduled', id)
  elseif state == 'running' then
    local ck = redis.call('HGET', jobKey(id), 'ck')
    if ck then redis.call('HINCRBY', P .. ':running-by', ck, -1) end
    redis.call('ZREM', P .. ':running', id)
    redis.call('ZREM', P .. ':timeouts', id)
    if worker then redis.call('SREM', key('wjobs', worker), id) end
  elseif state == 'completed' or state == 'cancelled' then redis.call('ZREM', P .. ':ended:ok', id)
  elseif state == 'failed' or state == 'dead' then redis.call('ZREM', P .. ':ended:err', id) end
end

-- Adds a job to the index of the state it enters (running jobs are indexed by the claim itself).
local function enterIndex(id, q, state, at)
  if state == 'queued' then redis.call('ZADD', key('queued', q), at, pad(id)); redis.call('SADD', P .. ':queues', q)
  elseif state == 'scheduled' then redis.call('ZADD', P .. ':scheduled', at, id)
  elseif state == 'completed' or state == 'cancelled' then redis.call('ZADD', P .. ':ended:ok', at, id)
  elseif state == 'failed' or state == 'dead' then redis.call('ZADD', P .. ':ended:err', at, id) end
end

-- One state change of job `id`: indexes, counts, history and the fields given (a list of
-- name/value pairs; a false value deletes the field). `at` is the index score of the new state.
local function transition(id, q, from, to, worker, attempt, reason, now, at, fields)
  local jk = jobKey(id)
  leaveIndex(id, q, from, worker)
  enterIndex(id, q, to, at)
  if from ~= to then count(q, from, -1); count(q, to, 1) end
  local set = { 's', to, 'h', appendHistory(jk, now, from, to, attempt, reason) }
  local del = {}
  for i = 1, #fields, 2 do
    if fields[i + 1] == false then del[#del + 1] = fields[i] else set[#set + 1] = fields[i]; set[#set + 1] = fields[i + 1] end
  end
  redis.call('HSET', jk, unpack(set))
  if #del > 0 then redis.call('HDEL', jk, unpack(del)) end
end

-- Fairness: a group's next turn in virtual time, never before the queue's head (see docs/redis.md).
local heads = {}
local function nextTurn(q, group, eligibleAt)
  local current = heads[q]
  if current == nil then
    current = false
    local first = redis.call('ZRANGE', key('queued', q), 0, 0, 'WITHSCORES')
    if first[1] then
      local lead = num(redis.call('HGET', jobKey(tonumber(first[1])), 'ld')) or 0
      current = tonumber(first[2]) + lead
    end
    heads[q] = current
  end
  local floor = eligibleAt
  if current and current < eligibleAt then floor = current end
  local last = num(redis.call('HGET', key('groups', q), group))
  local turn = floor
  if last and last + 1 > turn then turn = last + 1 end
  redis.call('HSET', key('groups', q), group, fmt(turn))
  return turn
end

-- The order key a job gets when it becomes queued now (priority lead, fairness turn).
local function readyOrderKey(q, group, eligibleAt, lead)
  if group and group ~= '' then eligibleAt = nextTurn(q, group, eligibleAt) end
  return eligibleAt - lead
end

local function wake() redis.call('PUBLISH', P .. ':wake', '1') end
