-- Shared flow control (limits, rate windows, breakers, pause, worker tags), prepended by scripts.ts
-- after lib.lua. The admission order and rules are those of src/store/flow-admission.ts.

-- Start records are kept this long past their window: a claim whose `now` is older than an
-- earlier call's must still see every start inside its own window.
local STALE_NOW_MARGIN_MS = 60000

-- A limit as stored: concurrency, rate count, rate interval (nil when not set).
local function limitOf(k)
  local raw = redis.call('HGET', P .. ':limits', k)
  if not raw then return nil end
  local c, n, i = string.match(raw, '^([^|]*)|([^|]*)|([^|]*)$')
  return { concurrency = num(c), rateCount = num(n), rateInterval = num(i) }
end

-- Running jobs per concurrency key move with every claim and every job leaving running.
local function runningBy(k, by) if k then redis.call('HINCRBY', P .. ':running-by', k, by) end end

local function breakerKey(k) return key('breaker', k) end

-- Default breaker settings (DEFAULT_BREAKER in src/core/flow.ts).
local function breakerOf(k)
  local f = redis.call('HMGET', breakerKey(k), 'st', 'oa', 'cd', 'pj')
  if not f[1] then return nil end
  return { state = f[1], openedAt = num(f[2]), cooldown = tonumber(f[3]), probe = f[4] }
end

-- Feeds one outcome of a job with a breaker key (success or failure); returns the change it made
-- as { key, from, to, at, reason } or nil. Outcomes of other jobs while not closed are ignored.
local function recordBreakerOutcome(k, jobId, success, now)
  local bk = breakerKey(k)
  if redis.call('EXISTS', bk) == 0 then
    if success then return nil end
    redis.call('HSET', bk, 'ft', 5, 'er', '', 'wm', 60000, 'mc', 10, 'cd', 30000, 'st', 'closed', 'cf', 0, 'ws', fmt(now), 'wc', 0, 'wf', 0, 'ca', fmt(now))
    redis.call('SADD', P .. ':breakers', k)
  end
  local b = redis.call('HMGET', bk, 'st', 'cf', 'ws', 'wc', 'wf', 'ft', 'er', 'wm', 'mc', 'pj')
  local state, cf, ws, wc, wf = b[1], tonumber(b[2]), tonumber(b[3]), tonumber(b[4]), tonumber(b[5])
  local ft, er, wm, mc = tonumber(b[6]), num(b[7]), tonumber(b[8]), tonumber(b[9])
  if state == 'closed' then
    if success and er == nil and cf == 0 then return nil end
    if now - ws >= wm then ws, wc, wf = now, 0, 0 end
    wc = wc + 1
    if success then cf = 0 else cf = cf + 1; wf = wf + 1 end
    local to, reason = nil, nil
    if not success and cf >= ft then to, reason = 'open', cf .. ' consecutive failures'
    elseif not success and er ~= nil and wc >= mc and wf / wc >= er then to, reason = 'open', 'error rate ' .. wf .. '/' .. wc .. ' in the window' end
    redis.call('HSET', bk, 'cf', cf, 'ws', fmt(ws), 'wc', wc, 'wf', wf)
    if to then
      redis.call('HSET', bk, 'st', 'open', 'oa', fmt(now), 'ca', fmt(now), 'r', reason)
      return { k, 'closed', 'open', now, reason }
    end
    return nil
  elseif state == 'half_open' and b[10] == jobId then
    if success then
      local reason = 'probe job ' .. jobId .. ' succeeded'
      redis.call('HSET', bk, 'st', 'closed', 'cf', 0, 'ws', fmt(now), 'wc', 0, 'wf', 0, 'ca', fmt(now), 'r', reason)
      redis.call('HDEL', bk, 'oa', 'pj')
      return { k, 'half_open', 'closed', now, reason }
    end
    local reason = 'probe job ' .. jobId .. ' failed'
    redis.call('HSET', bk, 'st', 'open', 'oa', fmt(now), 'ca', fmt(now), 'r', reason)
    redis.call('HDEL', bk, 'pj')
    return { k, 'half_open', 'open', now, reason }
  end
  return nil
end

-- The gate of one claim: decides per keyed job whether it may start now, tallying what admitted
-- jobs use for the rest of the claim.
local function openGate(now)
  local gate = { blocked = { c = {}, r = {}, b = {}, q = {} }, running = {}, rates = {}, limits = {}, changes = {}, wakeAt = nil }
  local function wakeNoLaterThan(at) if gate.wakeAt == nil or at < gate.wakeAt then gate.wakeAt = at end end
  local function limit(k)
    local l = gate.limits[k]
    if l == nil then l = limitOf(k) or false; gate.limits[k] = l end
    return l or nil
  end
  local function concurrencyFree(k, queue)
    local l = limit(k)
    if not l or not l.concurrency then return true end
    if gate.running[k] == nil then
      if queue then gate.running[k] = tonumber(redis.call('HGET', P .. ':counts', queue .. '\trunning') or '0')
      else gate.running[k] = tonumber(redis.call('HGET', P .. ':running-by', k) or '0') end
    end
    return gate.running[k] < l.concurrency
  end
  local function rateFree(k)
    local l = limit(k)
    if not l or not l.rateCount then return true end
    local w = gate.rates[k]
    if w == nil then
      local rk = key('rate', k)
      redis.call('ZREMRANGEBYSCORE', rk, '-inf', now - l.rateInterval - STALE_NOW_MARGIN_MS)
      local used = redis.call('ZCOUNT', rk, '(' .. fmt(now - l.rateInterval), '+inf')
      local oldest = nil
      if used > 0 then oldest = tonumber(redis.call('ZRANGEBYSCORE', rk, '(' .. fmt(now - l.rateInterval), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)[2]) end
      w = { used = used, oldest = oldest }
      gate.rates[k] = w
    end
    if w.used < l.rateCount then return true end
    wakeNoLaterThan((w.oldest or now) + l.rateInterval)
    return false
  end
  local function breakerVerdict(k)
    local b = breakerOf(k)
    if not b or b.state == 'closed' then return 'closed' end
    if b.state == 'open' then
      local untilAt = (b.openedAt or 0) + b.cooldown
      if now >= untilAt then return 'probe' end
      wakeNoLaterThan(untilAt)
      return nil
    end
    -- half-open: one probe at a time; a probe that ended without an outcome is replaced
    if b.probe and redis.call('HGET', jobKey(b.probe), 's') == 'running' then return nil end
    return 'probe'
  end
  local function recordStart(k, id)
    local w = gate.rates[k]
    if not w then return end
    w.used = w.used + 1
    if not w.oldest then w.oldest = now end
    redis.call('ZADD', key('rate', k), now, fmt(now) .. ':' .. id)
  end

  -- Whether job `id` of queue `q` with keys ck, rk, bk may start now (and counts it when so).
  function gate.admit(id, q, ck, rk, bk)
    local blocked = gate.blocked
    local qk = 'queue:' .. q
    if blocked.q[q] or (ck and blocked.c[ck]) or (rk and blocked.r[rk]) or (bk and blocked.b[bk]) then return false end
    if not concurrencyFree(qk, q) or not rateFree(qk) then blocked.q[q] = true; return false end
    if ck and not concurrencyFree(ck, nil) then blocked.c[ck] = true; return false end
    if rk and not rateFree(rk) then blocked.r[rk] = true; return false end
    local verdict = 'closed'
    if bk then verdict = breakerVerdict(bk) end
    if verdict == nil then blocked.b[bk] = true; return false end
    for _, k in ipairs({ qk, ck or false }) do if k and gate.running[k] then gate.running[k] = gate.running[k] + 1 end end
    recordStart(qk, id)
    if rk then recordStart(rk, id) end
    if verdict == 'probe' then
      local from = redis.call('HGET', breakerKey(bk), 'st')
      local reason = 'cool-down over: job ' .. id .. ' goes through as the probe'
      redis.call('HSET', breakerKey(bk), 'st', 'half_open', 'pj', id, 'ca', fmt(now), 'r', reason)
      if from ~= 'half_open' then gate.changes[#gate.changes + 1] = { bk, from, 'half_open', now, reason } end
      -- the probe holds the breaker's other jobs until its outcome is known
      blocked.b[bk] = true
    end
    return true
  end
  return gate
end

-- Queue flags among the claim's queues: paused ones are left out; limited ones go through the gate.
local function queueFlags(queues)
  local open, limited = {}, {}
  for _, q in ipairs(queues) do
    local paused = redis.call('HGET', P .. ':paused', q)
    if not paused or string.sub(paused, 1, 1) ~= '1' then
      open[#open + 1] = q
      if redis.call('HEXISTS', P .. ':limits', 'queue:' .. q) == 1 then limited[q] = true end
    end
  end
  return open, limited
end

-- Whether a worker with these tags (a set) has every tag a job requires (JSON array text).
local function hasTags(required, workerTags)
  for _, t in ipairs(cjson.decode(required)) do if not workerTags[t] then return false end end
  return true
end
