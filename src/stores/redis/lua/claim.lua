-- claim: stage due scheduled jobs, then lease up to `limit` queued jobs of the given queues to a
-- worker, lowest order key first (priority with aging, fairness turns), ties by id.
-- KEYS[1]  <prefix>:meta
-- ARGV     workerId, limit, leaseMs, now, workerTagsJson|'', queue...
-- Returns  { jobs, nextDueAt|nil, breaker changes }: breaker changes are arrays { key, from, to,
--          at, reason } (a probe let through); jobs is a flat array of 16 fields per job (id, queue, name,
--          payload, attempt, maxAttempts, backoff, timeoutMs, deadLetter, tags, createdAt, budget,
--          traceParent, checkpoint token, checkpoint JSON, '1' when the checkpoint is gzip bytes)
local queues = {}
for i = 6, #ARGV do queues[#queues + 1] = ARGV[i] end
local jobs, nextDue, changes = claimJobs(ARGV[1], queues, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
return { jobs, nextDue, changes }
