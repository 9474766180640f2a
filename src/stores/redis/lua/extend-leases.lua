-- extend-leases: renew the lease of every job a worker runs, and its registry heartbeat.
-- KEYS[1]  <prefix>:meta
-- ARGV     workerId, leaseMs, now
-- Returns  how many leases were extended. A job past its timeout by more than a lease is not
--          renewed: its handler is stuck, so the lease runs out and a rescue takes the job back.
local worker, leaseMs, now = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', key('wjobs', worker))) do
  local jk = jobKey(id)
  local f = redis.call('HMGET', jk, 's', 'w', 'to', 'sa')
  if f[1] == 'running' and f[2] == worker and (not f[3] or tonumber(f[4]) + tonumber(f[3]) + leaseMs > now) then
    redis.call('HSET', jk, 'le', fmt(now + leaseMs))
    redis.call('ZADD', P .. ':running', now + leaseMs, id)
    n = n + 1
  end
end
local state = redis.call('HGET', P .. ':worker-state', worker)
if state == 'running' or state == 'stopping' then redis.call('HSET', P .. ':worker-beats', worker, ARGV[3]) end
return n
