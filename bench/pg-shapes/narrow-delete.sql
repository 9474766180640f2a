-- Shape 4, the narrowest: a short row with one partial index on an availability flag (the shape
-- graphile-worker uses). A claim updates :batch rows; the outcome deletes them.
WITH picked AS (SELECT id FROM xg.jobs WHERE is_available AND run_at <= 1764180000001 ORDER BY priority, run_at LIMIT :batch FOR UPDATE SKIP LOCKED),
 c AS (UPDATE xg.jobs j SET attempts=j.attempts+1, locked_by='w1', locked_at=1764180000001 WHERE j.id = ANY(ARRAY(SELECT id FROM picked)) RETURNING *)
SELECT array_agg(id) AS ids FROM c \gset
DELETE FROM xg.jobs WHERE id = ANY(:ids::bigint[]) AND locked_by='w1';
