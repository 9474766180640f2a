import type { BackoffPolicy } from '../../core/backoff.js';
import type { Budget } from '../../core/budget.js';
import type { Job, JobError, JobState } from '../../core/job.js';
import { decodeFlowKeys } from './flow-keys.js';
import { CHECKPOINT_STEP_ID } from '../../store/journal.js';

/**
 * How reads select a job: every column, plus the token of its checkpoint record (looked up in the
 * journal only for jobs marked `checkpointed`). Reads only; claim never pays for it.
 */
export const JOB_SELECT = `SELECT *, CASE WHEN checkpointed = 1 THEN
  (SELECT token FROM tw_steps s WHERE s.job_id = tw_jobs.id AND s.step_id = '${CHECKPOINT_STEP_ID}') END AS checkpoint_token FROM tw_jobs`;

/** A tw_jobs row as SQLite returns it. */
export interface JobRow {
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
  dead_letter: number;
  tags: string | null;
  idempotency_key: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  result: string | null;
  error: string | null;
  progress: string | null;
  worker_id: string | null;
  lease_expires_at: number | null;
  cancel_requested: number;
  checkpointed: number;
  /** not a column: selected from the job's journal by JOB_SELECT */
  checkpoint_token: string | null;
  budget: string | null;
  trace_parent: string | null;
  flow_keys: string | null;
  required_tags: string | null;
}

function jobFlowKeys(text: string | null): Pick<Job, 'groupKey' | 'concurrencyKey' | 'rateKey' | 'breakerKey'> {
  const keys = decodeFlowKeys(text);
  return { groupKey: keys.group, concurrencyKey: keys.concurrency, rateKey: keys.rate, breakerKey: keys.breaker };
}

const parseOr = <T>(text: string | null, fallback: T): T => (text === null ? fallback : (JSON.parse(text) as T));

export function rowToJob(row: JobRow): Job {
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
    tags: parseOr<string[]>(row.tags, []),
    deadLetter: row.dead_letter === 1,
    runAt: row.run_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result === null ? undefined : (JSON.parse(row.result) as unknown),
    error: parseOr<JobError | null>(row.error, null),
    progress: parseOr<unknown>(row.progress, null),
    workerId: row.worker_id,
    leaseExpiresAt: row.lease_expires_at,
    cancelRequested: row.cancel_requested === 1,
    checkpointToken: row.checkpoint_token ?? null,
    budget: parseOr<Budget | null>(row.budget, null),
    traceParent: row.trace_parent,
    ...jobFlowKeys(row.flow_keys),
    requiredTags: parseOr<string[]>(row.required_tags, []),
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

/** Job ids are strings in the API; in SQLite they are the integer rowid. Returns null if not one. */
export function parseJobId(id: string): number | null {
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}
