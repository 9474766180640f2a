import type { BackoffPolicy } from '../core/backoff.js';
import type { Budget, Usage } from '../core/budget.js';
import type { Job, JobError, JobLogEntry, JobState, JobTransition } from '../core/job.js';

/** A job handed to a worker by `claim`. `attempt` is already counted (1 for the first run). */
export interface ClaimedJob {
  id: string;
  queue: string;
  name: string;
  payloadJson: string;
  attempt: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  timeoutMs: number | null;
  deadLetter: boolean;
  tags: string[];
  createdAt: number;
  checkpoint: StoredCheckpoint | null;
  budget: Budget | null;
}

export interface StoredCheckpoint {
  token: string;
  /** the data as stored: JSON text, possibly compressed (see `encoding`) */
  data: Uint8Array;
  encoding: 'json' | 'gzip';
}

export interface ClaimRequest {
  workerId: string;
  queues: readonly string[];
  limit: number;
  leaseMs: number;
  now: number;
}

export interface ClaimResult {
  jobs: ClaimedJob[];
  /** the earliest run time of a job still waiting for its time, to arm the wake-up timer */
  nextDueAt: number | null;
}

/** How an attempt ended. Every outcome is fenced by (id, workerId, attempt): a stale worker changes nothing. */
export type Outcome =
  | { type: 'completed'; resultJson: string | null }
  | { type: 'retry'; error: JobError; runAt: number }
  | { type: 'failed'; error: JobError }
  | { type: 'dead'; error: JobError }
  | { type: 'snoozed'; runAt: number; reason?: string }
  | { type: 'cancelled'; error: JobError | null }
  /** back to queued without spending the attempt (graceful shutdown) */
  | { type: 'released' };

export interface SettleResult {
  /** ids whose outcome was applied; the others were no longer owned by that worker and attempt */
  applied: string[];
  /**
   * ids (among `applied`) that ended cancelled instead: a cancel was requested while the attempt
   * ran and its outcome would have run the job again (retry, snooze, release)
   */
  cancelled: string[];
}

export interface Settlement {
  id: string;
  workerId: string;
  attempt: number;
  outcome: Outcome;
}

export interface RescuedJob {
  id: string;
  name: string;
  queue: string;
  attempt: number;
  to: JobState;
}

export interface JobFilter {
  state?: JobState;
  queue?: string;
  name?: string;
  tag?: string;
  limit?: number;
  /** return jobs with id below this one (pages newest first) */
  before?: string;
}

export interface QueueStats {
  queue: string;
  counts: Record<JobState, number>;
  /** age in ms of the oldest job waiting in `queued` */
  oldestQueuedAgeMs: number | null;
}

export interface CheckpointStats {
  count: number;
  totalBytes: number;
}

export interface PruneRequest {
  now: number;
  completedBefore: number;
  failedBefore: number;
  idempotencyBefore: number;
  limit: number;
}

export interface CancelResult {
  job: Job;
  /** true when the job was running: its worker is asked to abort it */
  requested: boolean;
}

export interface JobDetails {
  job: Job;
  logs: JobLogEntry[];
  transitions: JobTransition[];
}

export type { Job, JobError, JobLogEntry, JobState, JobTransition };

/** One step of a workflow run, as recorded. `output` and `error` are JSON text. */
export interface StepRecord {
  stepId: string;
  /** order in which the run first reached the step */
  seq: number;
  status: 'completed' | 'failed' | 'sleeping' | 'waiting';
  outputJson: string | null;
  error: JobError | null;
  attempts: number;
  startedAt: number;
  finishedAt: number | null;
  /** what the step reported spending (`step.usage`), or null */
  usage: Usage | null;
}

export interface StoredEvent {
  id: string;
  name: string;
  dataJson: string;
  createdAt: number;
}

/** Totals per job or workflow name (a workflow run is a job of the workflow's name). */
export interface NameStats {
  name: string;
  total: number;
  counts: Record<JobState, number>;
  /** mean of finishedAt - startedAt over completed jobs, or null */
  averageDurationMs: number | null;
  /** summed from the usage the runs' steps reported */
  tokens: number;
  costUsd: number;
}
