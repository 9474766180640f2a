-- cancel: a scheduled or queued job ends cancelled now; a running one gets a cancel request its
-- worker sees (and is told of on the cancel channel).
-- KEYS[1]  <prefix>:meta
-- ARGV     jobId, now
-- Returns  { 'cancelled' | 'requested' | 'missing' | 'finished', state }
local id, now = ARGV[1], tonumber(ARGV[2])
local jk = jobKey(id)
local f = redis.call('HMGET', jk, 's', 'q', 'a', 'w')
if not f[1] then return { 'missing', false } end
if f[1] == 'scheduled' or f[1] == 'queued' then
  transition(id, f[2], f[1], 'cancelled', nil, tonumber(f[3]), 'cancelled by request', now, now, { 'fa', fmt(now) })
  return { 'cancelled', 'cancelled' }
end
if f[1] == 'running' then
  redis.call('HSET', jk, 'cr', '1', 'ua', ARGV[2])
  redis.call('PUBLISH', P .. ':cancel', f[4] .. '\t' .. id)
  return { 'requested', 'running' }
end
return { 'finished', f[1] }
