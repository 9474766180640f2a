import type { Budget } from '../../core/budget.js';
import type { Job } from '../../core/job.js';
import { jobFromRow, parseBackoff, type CommonJobColumns } from '../../store/job-rows.js';
import { CHECKPOINT_STEP_ID, checkpointFromRecord } from '../../store/journal.js';
import type { ClaimedJob } from '../../store/types.js';

/** A jobs row as this store's connections return it (bigint as number, jsonb parsed, bytea as Buffer). */
export interface JobRow extends CommonJobColumns {
  dead_letter: boolean;
  tags: string[] | null;
  cancel_requested: boolean;
  checkpointed: boolean;
  group_key: string | null;
  concurrency_key: string | null;
  rate_key: string | null;
  breaker_key: string | null;
  required_tags: string[] | null;
}

export function rowToJob(row: JobRow): Job {
  return jobFromRow(row, {
    tags: row.tags ?? [],
    deadLetter: row.dead_letter,
    cancelRequested: row.cancel_requested,
    groupKey: row.group_key,
    concurrencyKey: row.concurrency_key,
    rateKey: row.rate_key,
    breakerKey: row.breaker_key,
    requiredTags: row.required_tags ?? [],
  });
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

export { parseBackoff } from '../../store/job-rows.js';
