import type { Statement } from 'better-sqlite3';
import type { BackoffPolicy } from '../../core/backoff.js';
import type { Budget } from '../../core/budget.js';
import type { ClaimedJob, ClaimRequest, ClaimResult } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { appendHistory } from './history.js';
import { parseBackoff } from './rows.js';

// Selected in raw (array) mode: materializing rows as arrays is markedly cheaper than as objects.
const COLUMNS = [
  'id', 'queue', 'name', 'payload', 'attempt', 'max_attempts', 'backoff', 'timeout_ms', 'dead_letter', 'tags',
  'created_at', 'checkpoint_token', 'checkpoint_data', 'checkpoint_encoding', 'budget',
] as const;
type RawRow = [number, string, string, string, number, number, string, number | null, number, string | null, number, string | null, Buffer | null, 'json' | 'gzip' | null, string | null];

/** Claimed ids are updated CHUNK at a time by one statement; unused slots are padded with id -1. */
const CHUNK = 64;

function toClaimed(row: RawRow): ClaimedJob {
  const [id, queue, name, payloadJson, attempt, maxAttempts, backoff, timeoutMs, deadLetter, tags, createdAt, cpToken, cpData, cpEncoding, budget] = row;
  return {
    id: String(id),
    queue,
    name,
    payloadJson,
    attempt: attempt + 1,
    maxAttempts,
    backoff: parseBackoff(backoff) as BackoffPolicy,
    timeoutMs,
    deadLetter: deadLetter === 1,
    tags: tags === null ? [] : (JSON.parse(tags) as string[]),
    createdAt,
    checkpoint: cpToken === null || cpData === null ? null : { token: cpToken, data: cpData, encoding: cpEncoding ?? 'json' },
    budget: budget === null ? null : (JSON.parse(budget) as Budget),
  };
}

/**
 * One IMMEDIATE transaction: stage due scheduled jobs to queued, read the highest-priority queued
 * jobs of the selected queues, and lease them to the worker. The write lock is held throughout,
 * so no other process can claim the same rows in between.
 */
export function createClaim(db: SqliteDatabase) {
  const stageDue = db.prepare(
    `UPDATE tw_jobs SET state = 'queued', ${appendHistory("'queued'", 'attempt', "'due'")}, updated_at = @now
    WHERE state = 'scheduled' AND run_at <= @now`,
  );
  const nextDue = db.prepare("SELECT min(run_at) AS at FROM tw_jobs WHERE state = 'scheduled'").pluck();
  const idKeys = Array.from({ length: CHUNK }, (_, i) => `id${i}`);
  const slots = idKeys.map((key) => `@${key}`).join(', ');
  const lease = db.prepare(`
    UPDATE tw_jobs SET state = 'running', ${appendHistory("'running'", 'attempt + 1', '@workerId')}, attempt = attempt + 1,
      worker_id = @workerId, lease_expires_at = @leaseUntil, started_at = @now, updated_at = @now
    WHERE id IN (${slots}) AND state = 'queued'`);
  const selectByQueueCount = new Map<number, Statement>();

  const selectStatement = (queueCount: number): Statement => {
    let statement = selectByQueueCount.get(queueCount);
    if (!statement) {
      const queues = Array.from({ length: queueCount }, (_, i) => `@q${i}`).join(', ');
      statement = db
        .prepare(`SELECT ${COLUMNS.join(', ')} FROM tw_jobs WHERE state = 'queued' AND queue IN (${queues})
          ORDER BY priority DESC, id LIMIT @limit`)
        .raw(true);
      selectByQueueCount.set(queueCount, statement);
    }
    return statement;
  };

  const claimInTransaction = (request: ClaimRequest): ClaimResult => {
    const { now } = request;
    stageDue.run({ now });
    const select: Record<string, unknown> = { limit: request.limit };
    request.queues.forEach((queue, i) => (select[`q${i}`] = queue));
    const rows = selectStatement(request.queues.length).all(select) as RawRow[];
    for (let start = 0; start < rows.length; start += CHUNK) {
      const params: Record<string, unknown> = { workerId: request.workerId, leaseUntil: now + request.leaseMs, now };
      for (let i = 0; i < CHUNK; i++) params[idKeys[i] as string] = rows[start + i]?.[0] ?? -1;
      lease.run(params);
    }
    const nextDueAt = rows.length < request.limit ? ((nextDue.get() as number | null) ?? null) : null;
    return { jobs: rows.map(toClaimed), nextDueAt };
  };
  const claimTx = db.transaction(claimInTransaction);

  return {
    claim: (request: ClaimRequest): ClaimResult => claimTx.immediate(request),
    /** for callers that already hold a transaction (nesting would add a savepoint per call) */
    claimInTransaction,
  };
}
