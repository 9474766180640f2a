import type { EnqueueResult, NewJob } from '../core/job.js';
import type {
  CancelResult,
  CheckpointStats,
  ClaimRequest,
  ClaimResult,
  Job,
  JobDetails,
  JobFilter,
  JobLogEntry,
  NameStats,
  PruneRequest,
  QueueStats,
  RescuedJob,
  SettleResult,
  Settlement,
  StepRecord,
  StoredCheckpoint,
  StoredEvent,
} from './types.js';

/** What a driver can do beyond the contract; the runtime adapts to flags, never to driver names. */
export interface StoreCapabilities {
  /** `onWake` fires for work enqueued by other processes (not only this one) */
  crossProcessWakeups: boolean;
  /** the store runs inside this process (no network), e.g. embedded SQLite */
  embedded: boolean;
}

/**
 * The Store contract. Each method that changes a job is one atomic state transition (or a batch of
 * them), designed so SQLite (one transaction), PostgreSQL (one statement with SKIP LOCKED) and
 * Redis (one Lua script) can each implement it atomically. Ids are strings on every driver.
 * Stores never log, and job state never depends on the store's clock: callers pass `now` (only the
 * migration ledger stamps its rows with the wall clock).
 */
export interface Store {
  readonly driver: string;
  readonly capabilities: StoreCapabilities;

  /** Create or upgrade the schema. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // --- producer
  /** Insert jobs in order; a job whose unexpired idempotency key exists returns that job instead. */
  enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]>;

  // --- worker hot path
  /** Move due scheduled jobs to queued, then claim up to `limit` queued jobs (highest priority first). */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * Apply outcomes of attempts. An outcome that would run the job again (retry, snooze, release)
   * ends the job cancelled instead when a cancel was requested while it ran.
   */
  settle(settlements: readonly Settlement[], now: number): Promise<SettleResult>;
  /**
   * `settle` and then `claim` in one atomic operation: the worker's steady state, where finishing a
   * batch and taking the next one cost a single round trip (one transaction, one script call).
   */
  settleAndClaim(settlements: readonly Settlement[], request: ClaimRequest): Promise<{ settled: SettleResult; claim: ClaimResult }>;
  /** Extend the leases of every job this worker runs; returns how many were extended. */
  extendLeases(workerId: string, leaseMs: number, now: number): Promise<number>;
  /** Ids of the jobs the store says this worker runs (to notice leases lost to a rescue). */
  runningJobIds(workerId: string): Promise<string[]>;
  /** Ids among this worker's running jobs whose cancellation was requested. */
  cancellationRequests(workerId: string): Promise<string[]>;
  /** Save a checkpoint; false when the worker no longer owns the attempt. */
  saveCheckpoint(jobId: string, workerId: string, attempt: number, checkpoint: StoredCheckpoint, now: number): Promise<boolean>;
  saveProgress(jobId: string, workerId: string, attempt: number, progressJson: string, now: number): Promise<boolean>;
  appendLogs(entries: readonly JobLogEntry[]): Promise<void>;
  /** Record (insert or replace) a workflow step of a running job; false when not the owner. */
  saveStep(jobId: string, workerId: string, attempt: number, step: StepRecord): Promise<boolean>;
  /** The recorded steps of a job, in `seq` order. */
  listSteps(jobId: string): Promise<StepRecord[]>;
  /** Note that a running job waits for events of this name (fenced like saveStep). */
  waitForEvent(jobId: string, workerId: string, attempt: number, stepId: string, event: string): Promise<boolean>;
  /** Store an event and make every job waiting for its name due now; returns how many were woken. */
  sendEvent(name: string, dataJson: string, now: number): Promise<{ event: StoredEvent; woken: number }>;
  /** Events of this name created at or after `since`, oldest first. */
  listEvents(name: string, since: number, limit: number): Promise<StoredEvent[]>;

  // --- maintenance
  /** Return jobs whose lease expired to queued (or to their terminal state when attempts ran out). */
  rescueExpired(now: number, limit: number): Promise<RescuedJob[]>;
  /** Delete finished jobs (and their logs) past retention, and forget expired idempotency keys. */
  prune(request: PruneRequest): Promise<{ jobs: number }>;

  // --- control (any process)
  cancel(jobId: string, now: number): Promise<CancelResult>;
  retry(jobId: string, now: number): Promise<Job>;
  /** Replace an unfinished job's budget; a scheduled (e.g. paused) job becomes due now. */
  setBudget(jobId: string, budgetJson: string | null, now: number): Promise<Job>;
  /** Move dead jobs back to queued: the given ids, or every dead job when `ids` is 'all'. */
  redrive(ids: readonly string[] | 'all', now: number): Promise<string[]>;

  // --- reads
  getJob(jobId: string): Promise<Job | null>;
  getJobDetails(jobId: string): Promise<JobDetails | null>;
  listJobs(filter: JobFilter): Promise<Job[]>;
  stats(now: number): Promise<QueueStats[]>;
  checkpointStats(): Promise<CheckpointStats>;
  /** Counts, mean duration and reported cost per job/workflow name (optionally only runs with a tag). */
  statsByName(filter?: { tag?: string }): Promise<NameStats[]>;
  /** Jobs not yet finished (scheduled, queued or running). */
  pendingCount(): Promise<number>;

  /**
   * Subscribe to "work may be available" signals. Returns an unsubscribe function.
   * Embedded stores signal other processes' commits too when `capabilities.crossProcessWakeups`.
   */
  onWake(listener: () => void): () => void;

  /**
   * How to open this same store from another thread (the heartbeat thread, which keeps leases
   * alive while a CPU-bound handler blocks the main thread). Null when that is impossible.
   */
  reopenSpec(): StoreReopenSpec | null;
}

/** A module URL and a named factory export, called with `options`, that returns a Store. */
export interface StoreReopenSpec {
  module: string;
  exportName: string;
  options: Record<string, unknown>;
}
