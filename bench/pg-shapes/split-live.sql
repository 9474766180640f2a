-- Shape 3: a narrow table of live jobs (state, order, lease) beside the wide record, which has only
-- its primary key (so its updates can be HOT). A claim updates the narrow rows and reads the wide ones;
-- the outcome deletes the narrow rows and updates the wide ones.
WITH picked AS (SELECT id FROM xb.live WHERE state='queued' AND concurrency_key IS NULL AND rate_key IS NULL AND breaker_key IS NULL AND required_tags IS NULL AND queue='default' ORDER BY order_key, id LIMIT :batch FOR UPDATE SKIP LOCKED),
 c AS (UPDATE xb.live j SET state='running', attempt=j.attempt+1, worker_id='w1', lease_expires_at=1764180030000, started_at=1764180000001 WHERE j.id = ANY(ARRAY(SELECT id FROM picked)) RETURNING j.id, j.attempt)
SELECT array_agg(d.id) AS ids FROM c JOIN LATERAL (SELECT id, queue, name, payload, max_attempts, backoff, timeout_ms, tags, created_at, budget, trace_parent FROM xb.jobs WHERE id = c.id) d ON true \gset
WITH gone AS (DELETE FROM xb.live WHERE id = ANY(:ids::bigint[]) AND state='running' RETURNING id)
UPDATE xb.jobs j SET state='completed', attempt = 1, started_at=1764180000001, history = right(j.history || E'\n1764180000002\trunning\tcompleted\t1\t', 4000), result='null', finished_at=1764180000002, updated_at=1764180000002 FROM gone WHERE j.id = gone.id;
