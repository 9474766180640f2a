import type { EnqueueResult, JobState, NewJob } from '../../core/job.js';
import type { SqliteDatabase } from './connection.js';
import { initialHistory } from './history.js';

export function createEnqueue(db: SqliteDatabase) {
  const insert = db.prepare(`
    INSERT INTO tw_jobs (queue, name, payload, state, priority, run_at, max_attempts, backoff, timeout_ms,
      dead_letter, tags, idempotency_key, idempotency_expires_at, created_at, updated_at, history, budget)
    VALUES (@queue, @name, @payload, @state, @priority, @runAt, @maxAttempts, @backoff, @timeoutMs,
      @deadLetter, @tags, @key, @keyExpiresAt, @now, @now, ${initialHistory('@state')}, @budget)`);
  const findByKey = db.prepare('SELECT id, state, idempotency_expires_at FROM tw_jobs WHERE idempotency_key = ?');
  const forgetKey = db.prepare('UPDATE tw_jobs SET idempotency_key = NULL, idempotency_expires_at = NULL WHERE id = ?');

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
      now,
    });
    const id = Number(info.lastInsertRowid);
    return { id: String(id), state, deduplicated: false };
  };

  const enqueueAll = db.transaction((jobs: readonly NewJob[], now: number) => jobs.map((job) => insertOne(job, now)));
  return (jobs: readonly NewJob[], now: number): EnqueueResult[] => enqueueAll.immediate(jobs, now);
}
