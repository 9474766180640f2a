-- enqueue: insert jobs in order; a job whose unexpired idempotency key exists returns that job.
-- KEYS[1]  <prefix>:meta
-- ARGV[1]  now (epoch ms)
-- ARGV[2]  number of jobs N, then N groups of 20 fields:
--          queue, name, payload, priority, runAt, maxAttempts, backoff, timeoutMs|'', idempotencyKey|'',
--          idempotencyTtlMs, tagsJson|'', deadLetter 0|1, budgetJson|'', traceParent|'', priorityLeadMs,
--          groupKey|'', concurrencyKey|'', rateKey|'', breakerKey|'', requiredTagsJson|''
-- Returns  a flat array: per job id, state, deduplicated (0|1)
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local out = {}
local woke = false
for i = 0, n - 1 do
  local b = 2 + i * 20
  local q, ikey = ARGV[b + 1], ARGV[b + 9]
  local existing = nil
  if ikey ~= '' then
    local held = redis.call('HMGET', key('ikey', ikey), 'id', 'until')
    if held[1] and tonumber(held[2]) > now then
      existing = held[1]
    elseif held[1] then
      -- an expired key is forgotten by the job that held it
      redis.call('HDEL', jobKey(held[1]), 'ik', 'ix')
    end
  end
  if existing then
    out[#out + 1] = existing
    out[#out + 1] = redis.call('HGET', jobKey(existing), 's') or 'completed'
    out[#out + 1] = 1
  else
    local id = redis.call('INCR', P .. ':seq')
    local runAt = tonumber(ARGV[b + 5])
    local lead = tonumber(ARGV[b + 15])
    local state, score = 'scheduled', runAt
    if runAt <= now then
      state = 'queued'
      score = readyOrderKey(q, ARGV[b + 16], runAt, lead)
    end
    local jk = jobKey(id)
    local fields = { 'q', q, 'n', ARGV[b + 2], 'p', ARGV[b + 3], 's', state, 'pr', ARGV[b + 4], 'ra', ARGV[b + 5], 'a', 0,
      'ma', ARGV[b + 6], 'bo', ARGV[b + 7], 'dl', ARGV[b + 12], 'ca', ARGV[1], 'ua', ARGV[1], 'ld', ARGV[b + 15],
      'h', fmt(now) .. '\t\t' .. state .. '\t0\t' }
    if state == 'queued' then fields[#fields + 1] = 'ok'; fields[#fields + 1] = fmt(score) end
    local optional = { 'to', b + 8, 'tg', b + 11, 'bu', b + 13, 'tp', b + 14, 'gk', b + 16, 'ck', b + 17, 'rk', b + 18, 'bk', b + 19, 'rt', b + 20 }
    for j = 1, #optional, 2 do
      local v = ARGV[optional[j + 1]]
      if v ~= '' then fields[#fields + 1] = optional[j]; fields[#fields + 1] = v end
    end
    if ikey ~= '' then
      local expires = now + tonumber(ARGV[b + 10])
      fields[#fields + 1] = 'ik'; fields[#fields + 1] = ikey
      fields[#fields + 1] = 'ix'; fields[#fields + 1] = fmt(expires)
      redis.call('HSET', key('ikey', ikey), 'id', id, 'until', fmt(expires))
      redis.call('ZADD', P .. ':ikeys', expires, ikey)
    end
    redis.call('HSET', jk, unpack(fields))
    redis.call('ZADD', P .. ':ids', id, id)
    enterIndex(id, q, state, score)
    count(q, state, 1)
    if state == 'queued' then woke = true end
    out[#out + 1] = tostring(id)
    out[#out + 1] = state
    out[#out + 1] = 0
  end
end
if woke then wake() end
return out
