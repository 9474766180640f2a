import type { JobState } from '../../core/job.js';
import type { PruneRequest, RescuedJob } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { appendHistory, historyLine } from './history.js';
import { jobRecordDeletes, type SchemaNames } from './sql.js';

/** Lease rescue and retention pruning: bounded batches, SKIP LOCKED, so they never block workers. */
export function createMaintenance(t: SchemaNames) {
  const reason = "'lease expired: worker ' || coalesce(j.worker_id, '?') || ' stopped renewing it'";
  const rescue = {
    name: `${t.prefix}rescue`,
    text: `WITH expired AS (
        SELECT id, CASE WHEN cancel_requested THEN 'cancelled'
          WHEN attempt >= max_attempts THEN CASE WHEN dead_letter THEN 'dead' ELSE 'failed' END
          ELSE 'queued' END AS to_state
        FROM ${t.jobs} WHERE state = 'running' AND lease_expires_at < $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
      ), rescued AS (
        UPDATE ${t.jobs} j SET state = x.to_state, ${appendHistory('j.history', historyLine('$1::bigint', 'j.state', 'x.to_state', 'j.attempt', reason))},
          error = CASE WHEN x.to_state = 'queued' THEN j.error
            ELSE json_build_object('message', ${reason}, 'code', 'lease_expired', 'attempt', j.attempt, 'at', $1::bigint)::text END,
          finished_at = CASE WHEN x.to_state = 'queued' THEN j.finished_at ELSE $1::bigint END,
          cancel_requested = CASE WHEN x.to_state = 'queued' THEN j.cancel_requested ELSE false END,
          worker_id = NULL, lease_expires_at = NULL, updated_at = $1::bigint
        FROM expired x WHERE j.id = x.id
        RETURNING j.id, j.name, j.queue, j.attempt, x.to_state
      )
      SELECT rescued.* FROM rescued, (SELECT pg_notify('${t.channel}', '')) AS wake ORDER BY id`,
  };

  // A job that finished before the cutoff was created before it, and ids grow with creation time,
  // so the candidates are the ids up to the last one created before the cutoff: found by a binary
  // search on the primary key, then walked in id order. No index on finished_at is maintained
  // (each index costs a write on every state change).
  const maxId = { name: `${t.prefix}max_id`, text: `SELECT max(id) AS id FROM ${t.jobs}` };
  const createdAtOrAfter = {
    name: `${t.prefix}created_at_or_after`,
    text: `SELECT created_at FROM ${t.jobs} WHERE id >= $1 ORDER BY id LIMIT 1`,
  };
  const pruneBatch = {
    name: `${t.prefix}prune`,
    text: `WITH victims AS (
        SELECT id FROM ${t.jobs} WHERE id <= $1 AND finished_at IS NOT NULL
          AND ((state IN ('completed', 'cancelled') AND finished_at < $2) OR (state IN ('failed', 'dead') AND finished_at < $3))
          -- a job holding a live idempotency key stays: it is what deduplicates
          AND (idempotency_key IS NULL OR idempotency_expires_at < $5)
        ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED
      ), ${jobRecordDeletes(t, 'victims')}, deleted AS (
        DELETE FROM ${t.jobs} WHERE id IN (SELECT id FROM victims) RETURNING id
      )
      SELECT count(*) AS n FROM deleted`,
  };
  const forgetKeys = {
    name: `${t.prefix}forget_keys`,
    text: `UPDATE ${t.jobs} SET idempotency_key = NULL, idempotency_expires_at = NULL WHERE id IN (
        SELECT id FROM ${t.jobs} WHERE idempotency_key IS NOT NULL AND idempotency_expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  };

  const lastIdCreatedBefore = async (db: Queryable, cutoff: number): Promise<number> => {
    let low = 0;
    let high = ((await db.query<{ id: number | null }>(maxId)).rows[0]?.id as number | null) ?? 0;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const row = (await db.query<{ created_at: number }>({ ...createdAtOrAfter, values: [mid] })).rows[0];
      if (row !== undefined && row.created_at < cutoff) low = mid;
      else high = mid - 1;
    }
    return low;
  };

  return {
    async rescueExpired(db: Queryable, now: number, limit: number): Promise<RescuedJob[]> {
      const { rows } = await db.query<{ id: number; name: string; queue: string; attempt: number; to_state: JobState }>({ ...rescue, values: [now, limit] });
      return rows.map((r) => ({ id: String(r.id), name: r.name, queue: r.queue, attempt: r.attempt, to: r.to_state }));
    },
    /** Deletes one batch of finished jobs (with their logs, steps and waits) and forgets one batch of expired keys. */
    async prune(db: Queryable, request: PruneRequest): Promise<{ jobs: number }> {
      const upper = await lastIdCreatedBefore(db, Math.max(request.completedBefore, request.failedBefore));
      const { rows } = await db.query<{ n: number }>({
        ...pruneBatch,
        values: [upper, request.completedBefore, request.failedBefore, request.limit, request.idempotencyBefore],
      });
      await db.query({ ...forgetKeys, values: [request.idempotencyBefore, request.limit] });
      return { jobs: rows[0]?.n ?? 0 };
    },
  };
}
