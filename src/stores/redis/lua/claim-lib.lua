-- Shared claim body (claim and settle-and-claim), prepended by scripts.ts after lib.lua.

-- Due scheduled jobs become queued; their order key is set from the due time (and group turn).
local function stageDue(now, limit)
  local due = redis.call('ZRANGEBYSCORE', P .. ':scheduled', '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    local f = redis.call('HMGET', jobKey(id), 'q', 'ra', 'ld', 'gk', 'a')
    local ok = readyOrderKey(f[1], f[4], tonumber(f[2]), tonumber(f[3]) or 0)
    transition(id, f[1], 'scheduled', 'queued', nil, tonumber(f[5]), 'due', now, ok, { 'ok', fmt(ok) })
  end
  return #due
end

-- The checkpoint record of a job marked checkpointed: token, JSON text, '1' when its data is gzip
-- bytes (binary: the client reads those itself, string replies would mangle them).
local function checkpointOf(id)
  local raw = redis.call('HGET', key('steps', id), '$checkpoint')
  if not raw then return false, false, false end
  local record = cjson.decode(raw)
  local gz = redis.call('HEXISTS', key('stepgz', id), '$checkpoint') == 1 and '1'
  local out = record.outputJson
  if out == cjson.null then out = false end
  return record.token or false, out or false, gz or false
end

-- Candidates are read from each queue's sorted set PAGE at a time and merged by order key; a
-- claim looks at no more than SCAN_CAP candidates (jobs held by limits, breakers or tags stay
-- queued, and a claim stops looking past this many of them).
local PAGE = 64
local SCAN_CAP = 10000

-- Leases up to `limit` queued jobs of `queues` (lowest order key first, ties by id) to `worker`,
-- skipping paused queues, jobs over a limit, held by a breaker or needing tags the worker lacks.
-- Returns the claimed jobs (a flat array of 16 fields each), the next due time or false, and the
-- breaker changes this claim made.
local function claimJobs(worker, queues, limit, leaseMs, now, workerTagsJson)
  stageDue(now, 100000)
  local open, limited = queueFlags(queues)
  local tags = {}
  if workerTagsJson ~= '' then for _, t in ipairs(cjson.decode(workerTagsJson)) do tags[t] = true end end
  local buffers = {}
  local function fill(b)
    local rows = redis.call('ZRANGE', key('queued', b.q), b.skipped, b.skipped + PAGE - 1, 'WITHSCORES')
    b.items, b.pos = {}, 1
    for i = 1, #rows, 2 do b.items[#b.items + 1] = { rows[i], tonumber(rows[i + 1]) } end
    b.more = #rows == PAGE * 2
  end
  for _, q in ipairs(open) do
    local b = { q = q, skipped = 0 }
    fill(b)
    buffers[#buffers + 1] = b
  end
  local gate = nil
  local out = {}
  local claimed, scanned = 0, 0
  local leaseUntil = now + leaseMs
  while claimed < limit and scanned < SCAN_CAP do
    -- the queue whose next candidate has the lowest (order key, id)
    local best = nil
    for _, b in ipairs(buffers) do
      if b.pos > #b.items and b.more then fill(b) end
      local head = b.items[b.pos]
      if head and not (gate and gate.blocked.q[b.q]) then
        local top = best and best.items[best.pos]
        if not best or head[2] < top[2] or (head[2] == top[2] and head[1] < top[1]) then best = b end
      end
    end
    if not best then break end
    local member = best.items[best.pos]
    best.pos = best.pos + 1
    scanned = scanned + 1
    local q = best.q
    local id = tostring(tonumber(member[1]))
    local jk = jobKey(id)
    local f = redis.call('HMGET', jk, 'n', 'p', 'a', 'ma', 'bo', 'to', 'dl', 'tg', 'ca', 'bu', 'tp', 'cp', 'ck', 'rk', 'bk', 'rt')
    local admitted = true
    if f[16] and not hasTags(f[16], tags) then admitted = false
    elseif f[13] or f[14] or f[15] or limited[q] then
      gate = gate or openGate(now)
      admitted = gate.admit(id, q, f[13] or nil, f[14] or nil, f[15] or nil)
    end
    if not admitted then
      best.skipped = best.skipped + 1
    else
      local attempt = tonumber(f[3]) + 1
      transition(id, q, 'queued', 'running', nil, attempt, worker, now, 0,
        { 'a', attempt, 'w', worker, 'le', fmt(leaseUntil), 'sa', fmt(now) })
      redis.call('ZADD', P .. ':running', leaseUntil, id)
      redis.call('SADD', key('wjobs', worker), id)
      if f[13] then redis.call('HINCRBY', P .. ':running-by', f[13], 1) end
      if f[6] then redis.call('ZADD', P .. ':timeouts', now + tonumber(f[6]), id) end
      local token, json, gz = false, false, false
      if f[12] == '1' then token, json, gz = checkpointOf(id) end
      local row = { id, q, f[1], f[2], attempt, f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], token, json, gz }
      for j = 1, 16 do out[#out + 1] = row[j] end
      claimed = claimed + 1
    end
  end
  local nextDue = false
  if claimed < limit then
    local first = redis.call('ZRANGE', P .. ':scheduled', 0, 0, 'WITHSCORES')
    if first[2] then nextDue = tonumber(first[2]) end
    if gate and gate.wakeAt and (not nextDue or gate.wakeAt < nextDue) then nextDue = gate.wakeAt end
    if nextDue then nextDue = fmt(nextDue) end
  end
  return out, nextDue, (gate and gate.changes) or {}
end
