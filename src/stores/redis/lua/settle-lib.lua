-- Shared settle body (settle and settle-and-claim), prepended by scripts.ts after lib.lua.

-- Deletes a job with its journal, logs and event waits.
local function removeJob(id)
  local jk = jobKey(id)
  local f = redis.call('HMGET', jk, 'q', 's', 'w', 'ik')
  if not f[1] then return false end
  leaveIndex(id, f[1], f[2], f[3])
  count(f[1], f[2], -1)
  for _, w in ipairs(redis.call('SMEMBERS', key('jwaits', id))) do
    local tab = string.find(w, '\t', 1, true)
    redis.call('HDEL', key('waits', string.sub(w, 1, tab - 1)), id .. '\t' .. string.sub(w, tab + 1))
  end
  if f[4] and redis.call('HGET', key('ikey', f[4]), 'id') == id then
    redis.call('DEL', key('ikey', f[4]))
    redis.call('ZREM', P .. ':ikeys', f[4])
  end
  redis.call('DEL', jk, key('steps', id), key('stepgz', id), key('logs', id), key('jwaits', id))
  redis.call('ZREM', P .. ':ids', id)
  return true
end

-- A run parked for an event that was sent while it ran stays due now; the marks are used up.
local function takeWakeMarks(id)
  local woken = false
  for _, w in ipairs(redis.call('SMEMBERS', key('jwaits', id))) do
    local tab = string.find(w, '\t', 1, true)
    local wk = key('waits', string.sub(w, 1, tab - 1))
    local field = id .. '\t' .. string.sub(w, tab + 1)
    if (redis.call('HGET', wk, field) or '0') ~= '0' then
      woken = true
      redis.call('HSET', wk, field, '0')
    end
  end
  return woken
end

local CLEAR_LEASE = { 'w', false, 'le', false, 'cr', false }
local function withLease(fields)
  for _, v in ipairs(CLEAR_LEASE) do fields[#fields + 1] = v end
  return fields
end

-- Applies one outcome, fenced on (id, running, worker, attempt).
-- Returns 'applied', 'cancelled' (a pending cancel won over an outcome that runs the job again) or false.
local breakerChanges = {}
local function settleOne(id, worker, attempt, kind, data, runAt, reason, discard, now)
  local jk = jobKey(id)
  local f = redis.call('HMGET', jk, 's', 'w', 'a', 'q', 'cr', 'cp', 'ik', 'ok', 'bk')
  if f[1] ~= 'running' or f[2] ~= worker or f[3] ~= attempt then return false end
  -- successes and failures (retries included) feed the job's breaker; snoozes, releases and cancels do not
  local change = nil
  if f[9] and (kind == 'completed' or kind == 'retry' or kind == 'failed' or kind == 'dead') and not ((kind == 'retry') and f[5] == '1') then
    change = recordBreakerOutcome(f[9], id, kind == 'completed', now)
  end
  if change then breakerChanges[#breakerChanges + 1] = change end
  local q, a = f[4], tonumber(f[3])
  if (kind == 'retry' or kind == 'snoozed' or kind == 'released') and f[5] == '1' then
    transition(id, q, 'running', 'cancelled', worker, a, 'cancelled by request', now, now, withLease({ 'fa', fmt(now) }))
    return 'cancelled'
  end
  if kind == 'completed' then
    if discard == '1' and not f[7] then
      removeJob(id)
      return 'applied'
    end
    local fields = withLease({ 'fa', fmt(now), 'pg', false, 'r', data })
    if data == '' then fields[6] = false end
    if f[6] == '1' then
      redis.call('HDEL', key('steps', id), '$checkpoint')
      redis.call('HDEL', key('stepgz', id), '$checkpoint')
      fields[#fields + 1] = 'cp'; fields[#fields + 1] = false
    end
    transition(id, q, 'running', 'completed', worker, a, false, now, now, fields)
  elseif kind == 'retry' then
    local at = tonumber(runAt)
    transition(id, q, 'running', 'scheduled', worker, a, reason, now, at, withLease({ 'ra', fmt(at), 'e', data }))
  elseif kind == 'failed' or kind == 'dead' then
    transition(id, q, 'running', kind, worker, a, reason, now, now, withLease({ 'e', data, 'fa', fmt(now) }))
  elseif kind == 'snoozed' then
    local at = tonumber(runAt)
    if takeWakeMarks(id) then at = now end
    transition(id, q, 'running', 'scheduled', worker, a - 1, reason, now, at, withLease({ 'ra', fmt(at), 'a', a - 1 }))
  elseif kind == 'cancelled' then
    local fields = withLease({ 'fa', fmt(now), 'e', data })
    if data == '' then fields[4] = false end
    transition(id, q, 'running', 'cancelled', worker, a, reason, now, now, fields)
  elseif kind == 'released' then
    -- a release keeps the job's place in line (its order key)
    transition(id, q, 'running', 'queued', worker, a - 1, reason, now, tonumber(f[8]), withLease({ 'a', a - 1 }))
    return 'applied', true
  else
    return redis.error_reply('unknown outcome ' .. kind)
  end
  return 'applied'
end

-- Applies settlements packed as groups of 8 ARGV fields from `start`: id, worker, attempt, type,
-- data ('' for none), runAt, reason, discard. Returns applied ids, cancelled ids, whether any
-- job became claimable now, and the breaker changes.
local function settleAll(now, n, start)
  local applied, cancelled = {}, {}
  local ready = false
  for i = 0, n - 1 do
    local b = start + i * 8
    local id = ARGV[b]
    local result, queued = settleOne(id, ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], now)
    if type(result) == 'table' then return result end
    if result then applied[#applied + 1] = id end
    if result == 'cancelled' then cancelled[#cancelled + 1] = id end
    if queued then ready = true end
    if result and (ARGV[b + 3] == 'retry' or ARGV[b + 3] == 'snoozed') and tonumber(ARGV[b + 5]) <= now then ready = true end
  end
  return applied, cancelled, ready, breakerChanges
end
