import type { BackoffPolicy } from '../core/backoff.js';
import type { Budget } from '../core/budget.js';
import type { Job, JobError, JobState } from '../core/job.js';

/** The jobs columns every SQL driver returns with the same types. */
export interface CommonJobColumns {
  id: number;
  queue: string;
  name: string;
  payload: string;
  state: JobState;
  priority: number;
  run_at: number;
  attempt: number;
  max_attempts: number;
  backoff: string;
  timeout_ms: number | null;
  idempotency_key: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  result: string | null;
  error: string | null;
  progress: string | null;
  worker_id: string | null;
  lease_expires_at: number | null;
  /** not a column: selected from the job's journal (checkpointed jobs only) */
  checkpoint_token?: string | null;
  budget: string | null;
  trace_parent: string | null;
}

/** The fields whose column types differ between drivers (booleans, arrays, packed keys). */
export type DriverJobFields = Pick<Job, 'tags' | 'deadLetter' | 'cancelRequested' | 'groupKey' | 'concurrencyKey' | 'rateKey' | 'breakerKey' | 'requiredTags'>;

export const parseOr = <T>(text: string | null, fallback: T): T => (text === null ? fallback : (JSON.parse(text) as T));

export function jobFromRow(row: CommonJobColumns, fields: DriverJobFields): Job {
  return {
    id: String(row.id),
    queue: row.queue,
    name: row.name,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state,
    priority: row.priority,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    backoff: JSON.parse(row.backoff) as BackoffPolicy,
    timeoutMs: row.timeout_ms,
    idempotencyKey: row.idempotency_key,
    runAt: row.run_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result === null ? undefined : (JSON.parse(row.result) as unknown),
    error: parseOr<JobError | null>(row.error, null),
    progress: parseOr<unknown>(row.progress, null),
    workerId: row.worker_id,
    leaseExpiresAt: row.lease_expires_at,
    checkpointToken: row.checkpoint_token ?? null,
    budget: parseOr<Budget | null>(row.budget, null),
    traceParent: row.trace_parent ?? null,
    ...fields,
  };
}

// Most jobs share a few backoff policies; parse each distinct text once.
const backoffCache = new Map<string, BackoffPolicy>();
export function parseBackoff(text: string): BackoffPolicy {
  let policy = backoffCache.get(text);
  if (!policy) {
    policy = JSON.parse(text) as BackoffPolicy;
    if (backoffCache.size > 1000) backoffCache.clear();
    backoffCache.set(text, policy);
  }
  return policy;
}

/** Job ids are strings in the API and integers in SQL stores. Returns null if not one. */
export function parseJobId(id: string): number | null {
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}
