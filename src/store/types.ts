import type { BackoffPolicy } from '../core/backoff.js';
import type { Budget, Usage } from '../core/budget.js';
import type { Breaker, BreakerChange, BreakerConfig, FlowLimit } from '../core/flow.js';
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
  /** the job's checkpoint record from its journal (see journal.ts), or null */
  checkpoint: StoredCheckpoint | null;
  budget: Budget | null;
  /** W3C traceparent stored at enqueue (absent when the driver does not keep it) */
  traceParent?: string | null;
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
  /** this worker's tags: it may claim jobs that require a subset of them (flow control stores) */
  workerTags?: readonly string[];
}

export interface ClaimResult {
  jobs: ClaimedJob[];
  /**
   * the earliest time something may become claimable without another commit: a scheduled job's
   * run time, a rate window sliding on, a breaker's cool-down ending; to arm the wake-up timer.
   * With `capabilities.stagedByLeader` scheduled jobs are left out: they become claimable when the
   * stager stages them, and its commit wakes the workers.
   */
  nextDueAt: number | null;
  /** breakers this claim moved (open -> half_open when it let a probe through) */
  breakerChanges?: BreakerChange[];
}

/** How an attempt ended. Every outcome is fenced by (id, workerId, attempt): a stale worker changes nothing. */
export type Outcome =
  /** `discard`: the engine keeps no record of completed jobs (retention.completed 0); the store may delete the job now */
  | { type: 'completed'; resultJson: string | null; discard?: boolean }
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
  /** breakers these outcomes opened or closed */
  breakerChanges?: BreakerChange[];
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

/**
 * One record of a job's step journal: a workflow step, or the job's checkpoint (the reserved
 * stepId CHECKPOINT_STEP_ID, see journal.ts). `output`, `input` and `error` are JSON text.
 * `pending`: planned but not started (DAG nodes); `running`: started, no outcome yet (a crash
 * here means it runs again, counted in `attempts`); `sleeping` / `waiting`: parked durably;
 * `skipped`: a condition chose another branch.
 */
export interface StepRecord {
  stepId: string;
  /** order in which the run first reached the step */
  seq: number;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'sleeping' | 'waiting';
  /** what the step was given (node inputs, child run input, event filter), or null */
  inputJson?: string | null;
  outputJson: string | null;
  /**
   * The output gzip-compressed, for outputs above the engine's compression threshold (then
   * `outputJson` is null). Drivers store the bytes as given; the runtime's journal expands them.
   */
  outputGzip?: Uint8Array | null;
  /** checkpoint records only (stepId CHECKPOINT_STEP_ID, see journal.ts): the token */
  token?: string | null;
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

/** An engine event as a worker appends it to the event feed (see `Store.appendFeed`). */
export interface FeedEntry {
  /** the appending process (an engine instance), so a reader can skip its own events */
  source: string;
  /** the engine event name, e.g. `job:completed` or `step:started` */
  type: string;
  at: number;
  /** the event's fields as JSON text */
  dataJson: string;
}

export interface StoredFeedEntry extends FeedEntry {
  /** opaque, increasing in append order; pass it back to `readFeed` to read what came after */
  cursor: string;
}

export interface FeedPage {
  entries: StoredFeedEntry[];
  /** where the next read starts: the last entry's cursor, or the head of the feed when `after` was null */
  cursor: string;
}

/** What `checkHealth` saw: the store answered, and how many schema migrations it lacks. */
export interface StoreHealth {
  pendingMigrations: number;
}

/** A role's lease after an acquire or renew (`Store.acquireLeadership`). */
export interface LeaderLease {
  role: string;
  /** the caller holds the role now */
  leader: boolean;
  /** who holds it (the caller when `leader`), or null when nobody does */
  holder: string | null;
  /** when the holder's lease runs out, on the store's clock (epoch ms), or null */
  expiresAt: number | null;
}

/** A stored leader lease, as `Store.listLeaders` reads it. */
export interface LeaderRecord {
  role: string;
  holder: string;
  expiresAt: number;
  /** when this holder took the role */
  acquiredAt: number;
  /** the lease has not run out, on the store's clock */
  live: boolean;
  /** how long the lease has left, on the store's clock (0 once it ran out): a host with a skewed clock still reads it right */
  remainingMs: number;
}

/** What one `Store.stageDue` call did. */
export interface StageResult {
  /** due scheduled jobs moved to queued */
  staged: number;
  /** the earliest run time still in the future among scheduled jobs, or null */
  nextDueAt: number | null;
}

/** An operator change to flow control, applied atomically by `Store.controlFlow`. */
export type FlowChange =
  | { type: 'setLimit'; limit: FlowLimit }
  | { type: 'deleteLimit'; key: string }
  | { type: 'pauseQueue'; queue: string }
  | { type: 'resumeQueue'; queue: string }
  | { type: 'configureBreaker'; key: string; config: BreakerConfig }
  /** back to closed with cleared counters (the configuration stays) */
  | { type: 'resetBreaker'; key: string };

export interface QueueControl {
  queue: string;
  paused: boolean;
  changedAt: number;
}

/** Everything flow control has stored: limits, paused queues, breakers. */
export interface FlowSnapshot {
  limits: FlowLimit[];
  queues: QueueControl[];
  breakers: Breaker[];
}

export type WorkerState = 'running' | 'stopping' | 'stopped' | 'dead';

/** A worker as registered in the store; `heartbeatAt` is renewed with its leases. */
export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  tags: string[];
  concurrency: number;
  autoscale: { min: number; max: number } | null;
  state: WorkerState;
  startedAt: number;
  heartbeatAt: number;
  /** marked dead when no heartbeat arrives for this long */
  deadAfterMs: number;
  /** jobs running when the record was last saved */
  running: number;
}
