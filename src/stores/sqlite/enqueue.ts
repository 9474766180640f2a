import type { EnqueueResult, JobState, NewJob } from '../../core/job.js';
import type { SqliteDatabase } from './connection.js';
import { createFairness } from './fairness.js';
import { encodeFlowKeys } from './flow-keys.js';
import { initialHistory } from './history.js';

export function createEnqueue(db: SqliteDatabase) {
  const insert = db.prepare(`
    INSERT INTO tw_jobs (queue, name, payload, state, priority, run_at, max_attempts, backoff, timeout_ms,
      dead_letter, tags, idempotency_key, idempotency_expires_at, created_at, updated_at, history, budget,
      order_key, priority_lead_ms, flow_keys, required_tags, trace_parent)
    VALUES (@queue, @name, @payload, @state, @priority, @runAt, @maxAttempts, @backoff, @timeoutMs,
      @deadLetter, @tags, @key, @keyExpiresAt, @now, @now, ${initialHistory('@state')}, @budget,
      @orderKey, @lead, @flowKeys, @requiredTags, @traceParent)`);
  const findByKey = db.prepare('SELECT id, state, idempotency_expires_at FROM tw_jobs WHERE idempotency_key = ?');
  const forgetKey = db.prepare('UPDATE tw_jobs SET idempotency_key = NULL, idempotency_expires_at = NULL WHERE id = ?');
  const fairness = createFairness(db);

  // Backoff policies repeat across a batch; serialize each distinct object once.
  let lastBackoff: object | null = null;
  let lastBackoffJson = '';

  const insertOne = (job: NewJob, now: number): EnqueueResult => {
    if (job.idempotencyKey !== null) {
      const existing = findByKey.get(job.idempotencyKey) as { id: number; state: JobState; idempotency_expires_at: number } | undefined;
      if (existing && existing.idempotency_expires_at > now) {
        return { id: String(existing.id), state: existing.state, deduplicated: true };
      }
      if (existing) forgetKey.run(existing.id);
    }
    if (job.backoff !== lastBackoff) {
      lastBackoff = job.backoff;
      lastBackoffJson = JSON.stringify(job.backoff);
    }
    const state: JobState = job.runAt > now ? 'scheduled' : 'queued';
    // A grouped job waiting now takes its group's next turn in virtual time (see fairness.ts).
    const eligibleAt = state === 'queued' && job.groupKey !== null ? fairness.nextTurn(job.queue, job.groupKey, job.runAt) : job.runAt;
    const info = insert.run({
      queue: job.queue,
      name: job.name,
      payload: job.payloadJson,
      state,
      priority: job.priority,
      runAt: job.runAt,
      maxAttempts: job.maxAttempts,
      backoff: lastBackoffJson,
      timeoutMs: job.timeoutMs,
      deadLetter: job.deadLetter ? 1 : 0,
      tags: job.tags.length ? JSON.stringify(job.tags) : null,
      key: job.idempotencyKey,
      keyExpiresAt: job.idempotencyKey === null ? null : now + job.idempotencyTtlMs,
      budget: job.budgetJson,
      traceParent: job.traceParent ?? null,
      now,
      orderKey: eligibleAt - (job.priorityLeadMs ?? 0),
      lead: job.priorityLeadMs ?? 0,
      flowKeys: encodeFlowKeys({ group: job.groupKey ?? null, concurrency: job.concurrencyKey ?? null, rate: job.rateKey ?? null, breaker: job.breakerKey ?? null }),
      requiredTags: job.requiredTags?.length ? JSON.stringify(job.requiredTags) : null,
    });
    const id = Number(info.lastInsertRowid);
    return { id: String(id), state, deduplicated: false };
  };

  const enqueueAll = db.transaction((jobs: readonly NewJob[], now: number) => {
    fairness.beginBatch();
    return jobs.map((job) => insertOne(job, now));
  });
  const enqueue = (jobs: readonly NewJob[], now: number): EnqueueResult[] => enqueueAll.immediate(jobs, now);
  /** for callers that already hold a transaction (schedules fire jobs inside theirs) */
  const insertInTransaction = (job: NewJob, now: number): EnqueueResult => {
    fairness.beginBatch();
    return insertOne(job, now);
  };
  return Object.assign(enqueue, { insertOne: insertInTransaction });
}
