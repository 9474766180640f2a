-- cancellation-requests: ids among a worker's running jobs whose cancel was requested.
-- KEYS[1]  <prefix>:meta
-- ARGV     workerId
-- Returns  the ids
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', key('wjobs', ARGV[1]))) do
  local f = redis.call('HMGET', jobKey(id), 's', 'w', 'cr')
  if f[1] == 'running' and f[2] == ARGV[1] and f[3] == '1' then out[#out + 1] = id end
end
return out
