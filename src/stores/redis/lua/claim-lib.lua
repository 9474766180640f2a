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

-- Leases up to `limit` queued jobs of `queues` (lowest order key first, ties by id) to `worker`.
-- Returns the claimed jobs (a flat array of 16 fields each) and the next due time or false.
local function claimJobs(worker, queues, limit, leaseMs, now)
  stageDue(now, 100000)
  local candidates = {}
  for _, q in ipairs(queues) do
    local rows = redis.call('ZRANGE', key('queued', q), 0, limit - 1, 'WITHSCORES')
    for i = 1, #rows, 2 do candidates[#candidates + 1] = { rows[i], tonumber(rows[i + 1]), q } end
  end
  if #queues > 1 then
    table.sort(candidates, function(x, y) if x[2] ~= y[2] then return x[2] < y[2] end return x[1] < y[1] end)
  end
  local out = {}
  local claimed = 0
  local leaseUntil = now + leaseMs
  for _, c in ipairs(candidates) do
    if claimed >= limit then break end
    local id = tostring(tonumber(c[1]))
    local jk = jobKey(id)
    local f = redis.call('HMGET', jk, 'n', 'p', 'a', 'ma', 'bo', 'to', 'dl', 'tg', 'ca', 'bu', 'tp', 'cp')
    local attempt = tonumber(f[3]) + 1
    transition(id, c[3], 'queued', 'running', nil, attempt, worker, now, 0,
      { 'a', attempt, 'w', worker, 'le', fmt(leaseUntil), 'sa', fmt(now) })
    redis.call('ZADD', P .. ':running', leaseUntil, id)
    redis.call('SADD', key('wjobs', worker), id)
    if f[6] then redis.call('ZADD', P .. ':timeouts', now + tonumber(f[6]), id) end
    local token, json, gz = false, false, false
    if f[12] == '1' then token, json, gz = checkpointOf(id) end
    local row = { id, c[3], f[1], f[2], attempt, f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], token, json, gz }
    for j = 1, 16 do out[#out + 1] = row[j] end
    claimed = claimed + 1
  end
  local nextDue = false
  if claimed < limit then
    local first = redis.call('ZRANGE', P .. ':scheduled', 0, 0, 'WITHSCORES')
    if first[2] then nextDue = first[2] end
  end
  return out, nextDue
end
