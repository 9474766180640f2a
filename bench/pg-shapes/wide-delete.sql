-- Shape 2: the same claim; the outcome deletes the rows (what retention.completed 0 does).
WITH picked AS (SELECT id FROM xa.jobs WHERE state='queued' AND concurrency_key IS NULL AND rate_key IS NULL AND breaker_key IS NULL AND required_tags IS NULL AND queue='default' ORDER BY order_key, id LIMIT :batch FOR UPDATE SKIP LOCKED),
 c AS (UPDATE xa.jobs j SET state='running', history = right(j.history || E'\n1764180000001\tqueued\trunning\t1\tw1', 4000), attempt=j.attempt+1, worker_id='w1', lease_expires_at=1764180030000, started_at=1764180000001, updated_at=1764180000001 WHERE j.id = ANY(ARRAY(SELECT id FROM picked)) RETURNING j.id, j.queue, j.name, j.payload, j.attempt, j.max_attempts, j.backoff, j.timeout_ms, j.tags, j.created_at, j.budget, j.trace_parent, j.checkpointed)
SELECT array_agg(id) AS ids FROM c \gset
DELETE FROM xa.jobs j WHERE j.id = ANY(:ids::bigint[]) AND j.state='running';
