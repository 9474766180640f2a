import type { JobState } from '../../core/job.js';
import type { PruneRequest, RescuedJob } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { appendHistory } from './history.js';
import { createJobRemoval } from './job-removal.js';

interface ExpiredRow {
  id: number;
  name: string;
  queue: string;
  attempt: number;
  max_attempts: number;
  dead_letter: number;
  cancel_requested: number;
  worker_id: string | null;
}

/** Lease rescue and retention pruning; both run in bounded batches so they never hold the lock long. */
export function createMaintenance(db: SqliteDatabase) {
  const expired = db.prepare(`SELECT id, name, queue, attempt, max_attempts, dead_letter, cancel_requested, worker_id
    FROM tw_jobs WHERE state = 'running' AND lease_expires_at < ? LIMIT ?`);
  const requeue = db.prepare(
    `UPDATE tw_jobs SET state = 'queued', ${appendHistory("'queued'", 'attempt', '@reason')}, worker_id = NULL, lease_expires_at = NULL,
      updated_at = @now WHERE id = @id AND state = 'running'`,
  );
  const finish = db.prepare(`UPDATE tw_jobs SET state = @to, ${appendHistory('@to', 'attempt', '@reason')}, error = @error, finished_at = @now,
    worker_id = NULL, lease_expires_at = NULL, cancel_requested = 0, updated_at = @now WHERE id = @id AND state = 'running'`);

  const rescueTx = db.transaction((now: number, limit: number): RescuedJob[] => {
    const rescued: RescuedJob[] = [];
    for (const row of expired.all(now, limit) as ExpiredRow[]) {
      const reason = `lease expired: worker ${row.worker_id ?? '?'} stopped renewing it`;
      let to: JobState = 'queued';
      if (row.cancel_requested === 1) to = 'cancelled';
      else if (row.attempt >= row.max_attempts) to = row.dead_letter === 1 ? 'dead' : 'failed';
      if (to === 'queued') requeue.run({ reason, now, id: row.id });
      else finish.run({ to, reason, error: JSON.stringify({ message: reason, code: 'lease_expired', attempt: row.attempt, at: now }), now, id: row.id });
      rescued.push({ id: String(row.id), name: row.name, queue: row.queue, attempt: row.attempt, to });
    }
    return rescued;
  });

  // A job holding a live idempotency key stays (it is what deduplicates).
  // A job that finished before the cutoff was created before it, and ids grow with creation time,
  // so the candidates are the ids up to the last one created before the cutoff: found by binary
  // search on the primary key, then walked in id order. No index on finished_at is maintained.
  const maxId = db.prepare('SELECT max(id) FROM tw_jobs').pluck();
  const createdAtOrAfter = db.prepare('SELECT created_at FROM tw_jobs WHERE id >= ? ORDER BY id LIMIT 1').pluck();
  const oldFinished = db.prepare(`SELECT id FROM tw_jobs WHERE id <= @upper AND finished_at IS NOT NULL
    AND ((state IN ('completed', 'cancelled') AND finished_at < @completedBefore)
      OR (state IN ('failed', 'dead') AND finished_at < @failedBefore))
    AND (idempotency_key IS NULL OR idempotency_expires_at < @idempotencyBefore) ORDER BY id LIMIT @limit`).pluck();

  const lastIdCreatedBefore = (cutoff: number): number => {
    let low = 0;
    let high = (maxId.get() as number | null) ?? 0;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const createdAt = createdAtOrAfter.get(mid) as number | undefined;
      if (createdAt !== undefined && createdAt < cutoff) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const removeJob = createJobRemoval(db);
  const forgetKeys = db.prepare(
    'UPDATE tw_jobs SET idempotency_key = NULL, idempotency_expires_at = NULL WHERE idempotency_key IS NOT NULL AND idempotency_expires_at < ?',
  );

  // a group's virtual clock matters only while it is near the queue's head
  const forgetGroups = db.prepare('DELETE FROM tw_groups WHERE last_vtime < ?');

  const pruneTx = db.transaction((request: PruneRequest) => {
    const upper = lastIdCreatedBefore(Math.max(request.completedBefore, request.failedBefore));
    const ids = oldFinished.all({
      upper,
      completedBefore: request.completedBefore,
      failedBefore: request.failedBefore,
      idempotencyBefore: request.idempotencyBefore,
      limit: request.limit,
    }) as number[];
    for (const id of ids) removeJob(id);
    forgetKeys.run(request.idempotencyBefore);
    forgetGroups.run(request.completedBefore);
    return { jobs: ids.length };
  });

  return {
    rescueExpired: (now: number, limit: number) => rescueTx.immediate(now, limit),
    prune: (request: PruneRequest) => pruneTx.immediate(request),
  };
}
