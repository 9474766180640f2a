import type { Statement } from 'better-sqlite3';
import type { ClaimRequest, ClaimResult } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { rowToClaimed, type JobRow } from './rows.js';
import { transitionRecorder } from './transitions.js';

const CLAIM_COLUMNS = `id, queue, name, payload, attempt, max_attempts, backoff, timeout_ms, dead_letter, tags, created_at,
  checkpoint_token, checkpoint_data, checkpoint_encoding, priority`;

/**
 * One IMMEDIATE transaction: stage due scheduled jobs to queued, then take the highest-priority
 * queued jobs of the selected queues and lease them to the worker.
 */
export function createClaim(db: SqliteDatabase) {
  const record = transitionRecorder(db);
  const stageDue = db.prepare(
    "UPDATE tw_jobs SET state = 'queued', updated_at = @now WHERE state = 'scheduled' AND run_at <= @now RETURNING id, attempt",
  );
  const nextDue = db.prepare("SELECT min(run_at) AS at FROM tw_jobs WHERE state = 'scheduled'").pluck();
  const claimByQueueCount = new Map<number, Statement>();

  const claimStatement = (queueCount: number): Statement => {
    let statement = claimByQueueCount.get(queueCount);
    if (!statement) {
      const placeholders = Array.from({ length: queueCount }, (_, i) => `@q${i}`).join(', ');
      statement = db.prepare(`
        UPDATE tw_jobs SET state = 'running', attempt = attempt + 1, worker_id = @workerId, lease_expires_at = @leaseUntil,
          started_at = @now, updated_at = @now
        WHERE id IN (
          SELECT id FROM tw_jobs WHERE state = 'queued' AND queue IN (${placeholders})
          ORDER BY priority DESC, id LIMIT @limit)
        RETURNING ${CLAIM_COLUMNS}`);
      claimByQueueCount.set(queueCount, statement);
    }
    return statement;
  };

  const claimTx = db.transaction((request: ClaimRequest): ClaimResult => {
    const { now } = request;
    for (const row of stageDue.all({ now }) as { id: number; attempt: number }[]) {
      record(row.id, now, 'scheduled', 'queued', row.attempt, 'due');
    }
    const params: Record<string, unknown> = { workerId: request.workerId, leaseUntil: now + request.leaseMs, now, limit: request.limit };
    request.queues.forEach((queue, i) => (params[`q${i}`] = queue));
    const rows = claimStatement(request.queues.length).all(params) as (JobRow & { priority: number })[];
    // RETURNING order is unspecified; hand jobs out in claim order.
    rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
    for (const row of rows) record(row.id, now, 'queued', 'running', row.attempt, request.workerId);
    const nextDueAt = rows.length < request.limit ? ((nextDue.get() as number | null) ?? null) : null;
    return { jobs: rows.map(rowToClaimed), nextDueAt };
  });

  return (request: ClaimRequest): ClaimResult => claimTx.immediate(request);
}
