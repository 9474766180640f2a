-- save-step: insert or replace one record of a running job's step journal, fenced on (id,
-- running, worker, attempt). The checkpoint record ($checkpoint) also marks the job so claim hands
-- it over; any status but waiting/pending ends that step's event wait.
-- KEYS[1]  <prefix>:meta
-- ARGV     jobId, workerId, attempt, stepId, recordJson, outputGzip bytes ('' for none), status
-- Returns  1 when saved, 0 when the caller no longer owns the attempt
local id, stepId = ARGV[1], ARGV[4]
local jk = jobKey(id)
local f = redis.call('HMGET', jk, 's', 'w', 'a')
if f[1] ~= 'running' or f[2] ~= ARGV[2] or f[3] ~= ARGV[3] then return 0 end
redis.call('HSET', key('steps', id), stepId, ARGV[5])
if ARGV[6] ~= '' then redis.call('HSET', key('stepgz', id), stepId, ARGV[6])
else redis.call('HDEL', key('stepgz', id), stepId) end
if stepId == '$checkpoint' then redis.call('HSET', jk, 'cp', '1') end
local status = ARGV[7]
if status ~= 'waiting' and status ~= 'pending' then
  for _, w in ipairs(redis.call('SMEMBERS', key('jwaits', id))) do
    local tab = string.find(w, '\t', 1, true)
    if string.sub(w, tab + 1) == stepId then
      redis.call('HDEL', key('waits', string.sub(w, 1, tab - 1)), id .. '\t' .. stepId)
      redis.call('SREM', key('jwaits', id), w)
    end
  end
end
return 1
