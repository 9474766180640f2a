-- requeue: operator retry (failed, dead or cancelled jobs) or redrive (dead jobs, or every dead
-- job): back to queued with attempt 0, ordered from now. All or nothing: one job in another state
-- changes nothing.
-- KEYS[1]  <prefix>:meta
-- ARGV     now, reason, allowed states (comma separated), 'all' | '' , jobId...
-- Returns  { 'ok', ids... } or { 'missing', id } or { 'conflict', id, state }
local now, reason = tonumber(ARGV[1]), ARGV[2]
local allowed = {}
for s in string.gmatch(ARGV[3], '[^,]+') do allowed[s] = true end
local ids = {}
if ARGV[4] == 'all' then
  ids = redis.call('ZRANGE', P .. ':ended:err', 0, -1)
  local dead = {}
  for _, id in ipairs(ids) do if redis.call('HGET', jobKey(id), 's') == 'dead' then dead[#dead + 1] = id end end
  table.sort(dead, function(x, y) return tonumber(x) < tonumber(y) end)
  ids = dead
else
  local seen = {}
  for i = 5, #ARGV do if not seen[ARGV[i]] then seen[ARGV[i]] = true; ids[#ids + 1] = ARGV[i] end end
end
for _, id in ipairs(ids) do
  local s = redis.call('HGET', jobKey(id), 's')
  if not s then return { 'missing', id } end
  if not allowed[s] then return { 'conflict', id, s } end
end
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', jobKey(id), 's', 'q', 'ld')
  local ok = now - (tonumber(f[3]) or 0)
  transition(id, f[2], f[1], 'queued', nil, 0, reason, now, ok,
    { 'a', 0, 'ra', fmt(now), 'ok', fmt(ok), 'fa', false, 'e', false, 'r', false, 'pg', false, 'cr', false })
end
if #ids > 0 then wake() end
local out = { 'ok' }
for _, id in ipairs(ids) do out[#out + 1] = id end
return out
