-- save-progress: store a running attempt's progress, fenced on (id, running, worker, attempt).
-- KEYS[1]  <prefix>:meta
-- ARGV     jobId, workerId, attempt, progressJson, now
-- Returns  1 when saved, 0 when the caller no longer owns the attempt
local jk = jobKey(ARGV[1])
local f = redis.call('HMGET', jk, 's', 'w', 'a')
if f[1] ~= 'running' or f[2] ~= ARGV[2] or f[3] ~= ARGV[3] then return 0 end
redis.call('HSET', jk, 'pg', ARGV[4], 'ua', ARGV[5])
return 1
