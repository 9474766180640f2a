-- settle: apply outcomes of attempts, each fenced on (id, running, worker, attempt).
-- KEYS[1]  <prefix>:meta
-- ARGV     now, N, then N groups of 8: id, workerId, attempt, type (completed | retry | failed |
--          dead | snoozed | cancelled | released), data (result or error JSON, '' for none),
--          runAt ('' unless retry/snoozed), reason ('' for none), discard (0|1)
-- Returns  { applied ids, cancelled ids, breaker changes } (cancelled: a cancel requested during
--          the attempt won over an outcome that would have run the job again; breaker changes:
--          arrays { key, from, to, at, reason }); an error reply for an unknown type
local now = tonumber(ARGV[1])
local applied, cancelled, ready, changes = settleAll(now, tonumber(ARGV[2]), 3)
if cancelled == nil then return applied end
if ready then wake() end
return { applied, cancelled, changes }
