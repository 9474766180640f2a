import type { EnqueueResult, NewJob } from '../core/job.js';
import type { ClaimSchedulesResult, ScheduleFire, ScheduleRecord, ScheduleWrite, Timer, TimerFilter, TimerStats } from './schedule-types.js';
import type { TriggerOperations } from './trigger-types.js';
import type {
  CancelResult,
  CheckpointStats,
  ClaimRequest,
  FlowChange,
  FlowSnapshot,
  WorkerRecord,
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
  StoredEvent,
  FeedEntry,
  FeedPage,
  StoreHealth,
  LeaderLease,
  LeaderRecord,
  StageResult,
} from './types.js';

/** A signal for the stager or the leader election (see `Store.onDue`). */
export type DueSignal = { dueAt: number } | { released: string } | { reconnected: true };

/** What a driver can do beyond the contract; the runtime adapts to flags, never to driver names. */
export interface StoreCapabilities {
  /** `onWake` fires for work enqueued by other processes (not only this one) */
  crossProcessWakeups: boolean;
  /** the store runs inside this process (no network), e.g. embedded SQLite */
  embedded: boolean;
  /** `appendFeed` / `readFeed` / `trimFeed` are implemented (events reach servers in other processes) */
  eventFeed?: boolean;
  /**
   * the store enforces flow control in `claim` and `settle` (limits, breakers, paused queues,
   * worker tags, fairness groups) and implements `controlFlow` / `readFlow` / `queueDepth`
   */
  flowControl?: boolean;
  /** the store keeps the worker registry (`saveWorker` / `listWorkers` / `reapWorkers`) */
  workerRegistry?: boolean;
  /** the store implements `ScheduleOperations` (schedules and the timer views) */
  schedules?: boolean;
  /** the store implements `TriggerOperations` (event triggers and idempotent event publishing, trigger-types.ts) */
  triggers?: boolean;
  /** `sqlQuery` is implemented: SQL DAG nodes may query the store's own database */
  sqlQuery?: boolean;
  /**
   * `acquireLeadership` / `releaseLeadership` / `listLeaders` are implemented: processes sharing
   * the store elect one leader per role (the stager and maintenance, the schedule runner).
   * Without it every engine acts as its own leader (safe: each of those operations is atomic).
   */
  leaderElection?: boolean;
  /**
   * `claim` does not stage due scheduled jobs: `stageDue` does, called by one elected stager, which
   * `onDue` wakes when a job becomes scheduled with a due time (in any process).
   */
  stagedByLeader?: boolean;
}

/**
 * Schedules and stored timers: an optional part of the contract (capability `schedules`). Each
 * operation is atomic; `claimDueSchedules` is the one that must be safe with many schedulers.
 */
export interface ScheduleOperations {
  /**
   * Insert a schedule or replace its definition, paused flag and next due time in one write. Run
   * state (run count, last fire, last job, held-back fire) is kept unless `resetRuns`.
   */
  saveSchedule(write: ScheduleWrite, now: number): Promise<ScheduleRecord>;
  getSchedule(id: string): Promise<ScheduleRecord | null>;
  /** Every schedule, by id. */
  listSchedules(): Promise<ScheduleRecord[]>;
  /** Delete a schedule and its history; false when there was none. Jobs it fired stay. */
  deleteSchedule(id: string): Promise<boolean>;
  /**
   * Fire every unpaused schedule that is due at `now` (at most `limit` schedules): in ONE atomic
   * unit per call, read each due schedule and whether its last fired job is unfinished, plan the
   * fires with `planFires` (src/core/schedule-plan.ts), enqueue a job per fire with the idempotency
   * key `scheduleJobKey(id, dueAt)`, record the history and store the new run state. Another
   * scheduler calling at the same moment fires nothing twice: it either waits for the unit or sees
   * the advanced next due time. Also considers schedules holding back a due time (queue-one).
   */
  claimDueSchedules(now: number, limit: number): Promise<ClaimSchedulesResult>;
  /** Fire a schedule's job now, outside its cadence, atomically with its history entry. */
  triggerSchedule(id: string, now: number): Promise<ScheduleFire>;
  /** A schedule's history, newest first. */
  listScheduleFires(id: string, limit: number): Promise<ScheduleFire[]>;
  /**
   * Every pending timer, soonest first: scheduled jobs' run times (delays, retry backoff, snoozes,
   * sleeps, event waits), running attempts' timeouts (started_at + timeout) and schedules' next
   * due times.
   */
  listTimers(filter: TimerFilter): Promise<Timer[]>;
  /** Count of pending timers and the soonest fire time. */
  timerStats(): Promise<TimerStats>;
}

export interface SqlQueryOptions {
  /** reject any statement that could write (default true) */
  readOnly: boolean;
  /** at most this many rows are returned (default 1000) */
  maxRows: number;
}

export interface SqlQueryResult {
  rows: Record<string, unknown>[];
  /** rows changed by a writing statement (0 for reads) */
  changes: number;
}

/**
 * The Store contract. Each method that changes a job is one atomic state transition (or a batch of
 * them), designed so SQLite (one transaction), PostgreSQL (one statement with SKIP LOCKED) and
 * Redis (one Lua script) can each implement it atomically. Ids are strings on every driver.
 * Stores never log, and job state never depends on the store's clock: callers pass `now` (only the
 * migration ledger stamps its rows with the wall clock).
 */
export interface Store extends Partial<ScheduleOperations>, Partial<TriggerOperations> {
  readonly driver: string;
  readonly capabilities: StoreCapabilities;

  /** Create or upgrade the schema. Safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // --- producer
  /** Insert jobs in order; a job whose unexpired idempotency key exists returns that job instead. */
  enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]>;

  // --- worker hot path
  /**
   * Move due scheduled jobs to queued (unless `capabilities.stagedByLeader`: then `stageDue` does),
   * then claim up to `limit` queued jobs (highest priority first), each with its checkpoint record.
   * Jobs that never saved a checkpoint must cost no extra read.
   */
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
  /**
   * Extend the leases of every job this worker runs; returns how many were extended. With
   * `capabilities.workerRegistry` it also renews the worker's registry heartbeat.
   */
  extendLeases(workerId: string, leaseMs: number, now: number): Promise<number>;
  /** Ids of the jobs the store says this worker runs (to notice leases lost to a rescue). */
  runningJobIds(workerId: string): Promise<string[]>;
  /** Ids among this worker's running jobs whose cancellation was requested. */
  cancellationRequests(workerId: string): Promise<string[]>;
  saveProgress(jobId: string, workerId: string, attempt: number, progressJson: string, now: number): Promise<boolean>;
  appendLogs(entries: readonly JobLogEntry[]): Promise<void>;
  /**
   * Record (insert or replace, by step id) a journal record of a running job: a workflow step, or
   * the job's checkpoint (stepId CHECKPOINT_STEP_ID), which `claim` then hands to the next attempt
   * and a completion deletes. Fenced on (job, worker, attempt, running); false when not the owner.
   * Store `outputGzip` bytes exactly as given.
   */
  saveStep(jobId: string, workerId: string, attempt: number, step: StepRecord): Promise<boolean>;
  /** The journal of a job (its checkpoint record included), in `seq` order. */
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

  // --- flow control (capabilities.flowControl)
  /**
   * Apply one operator change atomically: set or delete a limit, pause or resume a queue,
   * configure or reset a breaker. Every worker sees it at its next claim.
   */
  controlFlow?(change: FlowChange, now: number): Promise<void>;
  /** Limits, queue pause states and breakers, as stored. */
  readFlow?(): Promise<FlowSnapshot>;
  /** Jobs ready to run now (queued) in these queues: the autoscaler's demand signal. */
  queueDepth?(queues: readonly string[]): Promise<number>;

  // --- worker registry (capabilities.workerRegistry)
  /** Insert or replace a worker's registry record. */
  saveWorker?(worker: WorkerRecord): Promise<void>;
  listWorkers?(): Promise<WorkerRecord[]>;
  /**
   * Mark running workers whose heartbeat is older than their `deadAfterMs` as dead (returns their
   * ids), and forget stopped or dead workers last seen before `forgetBefore`.
   */
  reapWorkers?(now: number, forgetBefore: number): Promise<string[]>;

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
  /** Checkpoint records in journals: how many, and their stored bytes (compressed or JSON). */
  checkpointStats(): Promise<CheckpointStats>;
  /** Counts, mean duration and reported cost per job/workflow name (optionally only runs with a tag). */
  statsByName(filter?: { tag?: string }): Promise<NameStats[]>;
  /** Jobs not yet finished (scheduled, queued or running). */
  pendingCount(): Promise<number>;

  // --- event feed (optional, `capabilities.eventFeed`): engine events crossing processes
  /**
   * Append engine events in one atomic unit, in order, and signal `onWake` listeners of other
   * processes (a commit, a NOTIFY). Workers call it in batches, off the claim/settle path.
   */
  appendFeed?(entries: readonly FeedEntry[]): Promise<void>;
  /**
   * Up to `limit` entries appended after `after`, oldest first. With `after` null nothing is
   * returned and `cursor` is the current head, so a new reader starts from now.
   */
  readFeed?(after: string | null, limit: number): Promise<FeedPage>;
  /**
   * Forget old entries: delete up to `limit` appended batches (one `appendFeed` call each) whose
   * newest entry is older than `before` (epoch ms). Returns how many entries went.
   */
  trimFeed?(before: number, limit: number): Promise<number>;

  // --- leader election (capabilities.leaderElection)
  /**
   * Take or renew `role` for `holder` for `ttlMs`, in one atomic statement: it succeeds when the
   * role is free, expired or already held by `holder`. The lease is judged on the store's clock,
   * so processes on hosts with skewed clocks agree on it.
   */
  acquireLeadership?(role: string, holder: string, ttlMs: number): Promise<LeaderLease>;
  /** Give `role` up if `holder` holds it, and tell the other processes so one takes it at once. */
  releaseLeadership?(role: string, holder: string): Promise<void>;
  /** Every stored lease, live or expired. */
  listLeaders?(): Promise<LeaderRecord[]>;

  // --- staging by a leader (capabilities.stagedByLeader)
  /**
   * Move up to `limit` scheduled jobs due at `now` to queued (a grouped job takes its group's
   * fairness turn, as at enqueue) and wake workers; returns how many moved and the next due time.
   */
  stageDue?(now: number, limit: number): Promise<StageResult>;
  /**
   * Subscribe to "a job became scheduled due at `dueAt`" signals from every process (enqueues with
   * a delay, retries with backoff, snoozes, sleeps, and `dueAt <= now` for event and budget
   * wake-ups), and to released leaderships (`released` set). Returns an unsubscribe function.
   */
  onDue?(listener: (signal: DueSignal) => void): () => void;

  /** Prove the store answers and report how many migrations it lacks (for readiness probes). */
  checkHealth?(): Promise<StoreHealth>;

  /**
   * Optional (`capabilities.sqlQuery`): one SQL statement against the store's database, with
   * positional (`?` / `$1`) or named parameters. With `readOnly` a statement that could write is
   * rejected before it runs (ValidationError) and nothing changes; a writing statement runs in its
   * own transaction. For SQL DAG nodes; the runtime never calls it.
   */
  sqlQuery?(sql: string, params: readonly unknown[] | Record<string, unknown>, options: SqlQueryOptions): Promise<SqlQueryResult>;

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
