-- rescue-expired: jobs whose lease ran out go back to queued (keeping their place), or end
-- cancelled (a cancel was requested) or failed/dead (no attempts left).
-- KEYS[1]  <prefix>:meta
-- ARGV     now, limit
-- Returns  a flat array of 5 fields per rescued job: id, name, queue, attempt, new state
local now = tonumber(ARGV[1])
local out = {}
local woke = false
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. ':running', '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))) do
  local f = redis.call('HMGET', jobKey(id), 'n', 'q', 'a', 'ma', 'dl', 'cr', 'w', 'ok')
  local attempt = tonumber(f[3])
  local reason = 'lease expired: worker ' .. (f[7] or '?') .. ' stopped renewing it'
  local to = 'queued'
  if f[6] == '1' then to = 'cancelled'
  elseif attempt >= tonumber(f[4]) then if f[5] == '1' then to = 'dead' else to = 'failed' end end
  if to == 'queued' then
    transition(id, f[2], 'running', 'queued', f[7], attempt, reason, now, tonumber(f[8]), { 'w', false, 'le', false })
    woke = true
  else
    local err = cjson.encode({ message = reason, code = 'lease_expired', attempt = attempt, at = now })
    transition(id, f[2], 'running', to, f[7], attempt, reason, now, now, { 'e', err, 'fa', fmt(now), 'w', false, 'le', false, 'cr', false })
  end
  out[#out + 1] = id; out[#out + 1] = f[1]; out[#out + 1] = f[2]; out[#out + 1] = attempt; out[#out + 1] = to
end
if woke then wake() end
return out
