import type { BackoffPolicy } from './backoff.js';
import type { Budget } from './budget.js';

export const JOB_STATES = ['scheduled', 'queued', 'running', 'completed', 'failed', 'dead', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_STATES: readonly JobState[] = ['completed', 'failed', 'dead', 'cancelled'];

export interface JobError {
  message: string;
  name?: string;
  code?: string;
  stack?: string;
  attempt: number;
  at: number;
}

/** A job as the store returns it to readers (CLI, API, user code). Times are epoch milliseconds. */
export interface Job<Payload = unknown, Result = unknown> {
  id: string;
  queue: string;
  name: string;
  payload: Payload;
  state: JobState;
  priority: number;
  attempt: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  timeoutMs: number | null;
  idempotencyKey: string | null;
  tags: string[];
  deadLetter: boolean;
  runAt: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  result: Result | undefined;
  error: JobError | null;
  progress: unknown;
  workerId: string | null;
  leaseExpiresAt: number | null;
  cancelRequested: boolean;
  checkpointToken: string | null;
  budget: Budget | null;
  /** W3C traceparent of the span that enqueued the job (absent when the driver does not keep it) */
  traceParent?: string | null;
  /** flow control: fairness group, limit keys, breaker key, worker tags the job needs */
  groupKey: string | null;
  concurrencyKey: string | null;
  rateKey: string | null;
  breakerKey: string | null;
  requiredTags: string[];
}

/** A fully validated job ready to be inserted; produced by `compileJobOptions`. */
export interface NewJob {
  queue: string;
  name: string;
  payloadJson: string;
  priority: number;
  runAt: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  timeoutMs: number | null;
  idempotencyKey: string | null;
  idempotencyTtlMs: number;
  tags: string[];
  deadLetter: boolean;
  /** JSON of a compiled Budget, or null */
  budgetJson: string | null;
  /** W3C traceparent of the enqueuing span, so the job's attempts join its trace */
  traceParent?: string | null;
  /**
   * priority times the aging step: how much earlier than its wait time the job is ordered. The
   * claim orders by (eligible time - lead), which ages waiting jobs without any update.
   */
  priorityLeadMs: number;
  /** fairness group; jobs of different groups interleave */
  groupKey: string | null;
  concurrencyKey: string | null;
  rateKey: string | null;
  breakerKey: string | null;
  /** worker tags the job needs, sorted, or [] for any worker */
  requiredTags: string[];
}

export interface EnqueueResult {
  id: string;
  state: JobState;
  /** true when an unexpired job with the same idempotency key already existed and was returned */
  deduplicated: boolean;
}

export interface JobLogEntry {
  jobId: string;
  attempt: number;
  at: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown> | undefined;
  /** the workflow step that wrote it (`step.log` inside `step.run`), if any */
  stepId?: string | undefined;
}

export interface JobTransition {
  jobId: string;
  at: number;
  from: JobState | null;
  to: JobState;
  attempt: number;
  reason: string | null;
}
