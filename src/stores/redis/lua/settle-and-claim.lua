-- settle-and-claim: settle, then claim, in one atomic call (the worker's steady state).
-- KEYS[1]  <prefix>:meta
-- ARGV     now, N, N groups of 8 settlement fields (as settle.lua), then workerId, limit, leaseMs,
--          claim time, queue...
-- Returns  { applied ids, cancelled ids, jobs, nextDueAt|nil } (jobs as claim.lua)
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local applied, cancelled, ready = settleAll(now, n, 3)
if cancelled == nil then return applied end
local c = 3 + n * 8
local queues = {}
for i = c + 4, #ARGV do queues[#queues + 1] = ARGV[i] end
local jobs, nextDue = claimJobs(ARGV[c], queues, tonumber(ARGV[c + 1]), tonumber(ARGV[c + 2]), tonumber(ARGV[c + 3]))
if ready then wake() end
return { applied, cancelled, jobs, nextDue }
