-- wait-for-event: note that a running job waits for events of a name (fenced like save-step).
-- KEYS[1]  <prefix>:meta
-- ARGV     jobId, workerId, attempt, stepId, event
-- Returns  1 when noted, 0 when the caller no longer owns the attempt
local id = ARGV[1]
local f = redis.call('HMGET', jobKey(id), 's', 'w', 'a')
if f[1] ~= 'running' or f[2] ~= ARGV[2] or f[3] ~= ARGV[3] then return 0 end
redis.call('HSET', key('waits', ARGV[5]), id .. '\t' .. ARGV[4], '0')
redis.call('SADD', key('jwaits', id), ARGV[5] .. '\t' .. ARGV[4])
return 1
