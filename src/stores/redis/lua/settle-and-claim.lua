-- settle-and-claim: settle, then claim, in one atomic call (the worker's steady state).
-- KEYS[1]  <prefix>:meta
-- ARGV     now, N, N groups of 8 settlement fields (as settle.lua), then workerId, limit, leaseMs,
--          claim time, workerTagsJson|'', queue...
-- Returns  { applied ids, cancelled ids, settle breaker changes, jobs, nextDueAt|nil, claim breaker
--          changes } (as settle.lua and claim.lua)
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local applied, cancelled, ready, settleChanges = settleAll(now, n, 3)
if cancelled == nil then return applied end
local c = 3 + n * 8
local queues = {}
for i = c + 5, #ARGV do queues[#queues + 1] = ARGV[i] end
local jobs, nextDue, claimChanges = claimJobs(ARGV[c], queues, tonumber(ARGV[c + 1]), tonumber(ARGV[c + 2]), tonumber(ARGV[c + 3]), ARGV[c + 4])
if ready then wake() end
return { applied, cancelled, settleChanges, jobs, nextDue, claimChanges }
