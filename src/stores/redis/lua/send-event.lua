-- send-event: store an event and, in the same unit, make every run waiting for its name due now
-- (a parked run) or mark it woken (a running one, whose next snooze then stays due).
-- KEYS[1]  <prefix>:meta
-- ARGV     name, dataJson, now
-- Returns  { event id, runs woken }
local name, now = ARGV[1], tonumber(ARGV[3])
local id = redis.call('INCR', P .. ':event-seq')
redis.call('ZADD', key('events', name), now, pad(id) .. '\t' .. ARGV[2])
local woken = 0
local seen = {}
local waits = redis.call('HGETALL', key('waits', name))
for i = 1, #waits, 2 do
  local field = waits[i]
  local job = string.sub(field, 1, string.find(field, '\t', 1, true) - 1)
  local f = redis.call('HMGET', jobKey(job), 's', 'q')
  if f[1] == 'running' then
    redis.call('HSET', key('waits', name), field, ARGV[3])
    woken = woken + 1
  elseif f[1] == 'scheduled' and not seen[job] then
    seen[job] = true
    redis.call('HSET', jobKey(job), 'ra', ARGV[3], 'ua', ARGV[3])
    redis.call('ZADD', P .. ':scheduled', now, job)
    woken = woken + 1
  end
end
if woken > 0 then wake() end
return { tostring(id), woken }
