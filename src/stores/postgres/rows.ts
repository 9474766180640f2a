import type { BackoffPolicy } from '../../core/backoff.js';
import type { Budget } from '../../core/budget.js';
import type { Job, JobError, JobState } from '../../core/job.js';
import { CHECKPOINT_STEP_ID, checkpointFromRecord } from '../../store/journal.js';
import type { ClaimedJob } from '../../store/types.js';

/** A jobs row as this store's connections return it (bigint as number, jsonb parsed, bytea as Buffer). */
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
  dead_letter: boolean;
  tags: string[] | null;
  idempotency_key: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  result: string | null;
  error: string | null;
  progress: string | null;
  worker_id: string | null;
  lease_expires_at: number | null;
  cancel_requested: boolean;
  checkpointed: boolean;
  /** not a column: selected from the job's journal (see jobColumns in sql.ts) */
  checkpoint_token?: string | null;
  budget: string | null;
  trace_parent: string | null;
  group_key: string | null;
  concurrency_key: string | null;
  rate_key: string | null;
  breaker_key: string | null;
  required_tags: string[] | null;
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
    tags: row.tags ?? [],
    deadLetter: row.dead_letter,
    runAt: row.run_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result === null ? undefined : (JSON.parse(row.result) as unknown),
    error: parseOr<JobError | null>(row.error, null),
    progress: parseOr<unknown>(row.progress, null),
    workerId: row.worker_id,
    leaseExpiresAt: row.lease_expires_at,
    cancelRequested: row.cancel_requested,
    checkpointToken: row.checkpoint_token ?? null,
    budget: parseOr<Budget | null>(row.budget, null),
    traceParent: row.trace_parent ?? null,
    groupKey: row.group_key,
    concurrencyKey: row.concurrency_key,
    rateKey: row.rate_key,
    breakerKey: row.breaker_key,
    requiredTags: row.required_tags ?? [],
  };
}

/** The job columns a claim hands to the worker, in this order (rows are read in array mode). */
export const CLAIMED_COLUMNS = [
  'id', 'queue', 'name', 'payload', 'attempt', 'max_attempts', 'backoff', 'timeout_ms', 'dead_letter', 'tags', 'created_at', 'budget', 'checkpointed', 'trace_parent',
] as const;
/** ... followed by the checkpoint record's columns (null unless the job is checkpointed). */
export const CHECKPOINT_COLUMNS = ['token', 'output', 'output_gzip'] as const;

type ClaimedRow = [number, string, string, string, number, number, string, number | null, boolean, string[] | null, number, string | null, boolean, string | null, string | null, string | null, Buffer | null];

export function toClaimed(row: unknown[]): ClaimedJob {
  const [id, queue, name, payloadJson, attempt, maxAttempts, backoff, timeoutMs, deadLetter, tags, createdAt, budget, , traceParent, cpToken, cpOutput, cpGzip] = row as ClaimedRow;
  return {
    id: String(id),
    queue,
    name,
    payloadJson,
    attempt,
    maxAttempts,
    backoff: parseBackoff(backoff),
    timeoutMs,
    deadLetter,
    tags: tags ?? [],
    createdAt,
    checkpoint: cpToken === null ? null : checkpointFromRecord({ stepId: CHECKPOINT_STEP_ID, token: cpToken, outputJson: cpOutput, outputGzip: cpGzip }),
    budget: budget === null ? null : (JSON.parse(budget) as Budget),
    traceParent,
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
