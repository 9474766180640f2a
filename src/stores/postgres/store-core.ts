import type pg from 'pg';
import { systemClock } from '../../core/clock.js';
import type { EnqueueResult, NewJob } from '../../core/job.js';
import type { DueSignal } from '../../store/store.js';
import type {
  CancelResult,
  ClaimRequest,
  ClaimResult,
  Job,
  JobLogEntry,
  PruneRequest,
  RescuedJob,
  SettleResult,
  Settlement,
  StepRecord,
  StoredEvent,
} from '../../store/types.js';
import { createClaim } from './claim.js';
import { createPool, inTransaction, type Queryable } from './connection.js';
import { createControl } from './control.js';
import { createEnqueue } from './enqueue.js';
import { createFlowClaim } from './flow-claim.js';
import { createFlowControl } from './flow-control.js';
import { createEvents } from './events.js';
import { createFeed } from './feed.js';
import { createLeaders } from './leaders.js';
import { createStage } from './stage.js';
import { createMaintenance } from './maintenance.js';
import { migrateSchema } from './migrate.js';
import { compilePostgresOptions, type CompiledPostgresOptions, type PostgresOptions } from './options.js';
import { createReads } from './reads.js';
import { createRunningOps } from './running.js';
import { createSettleAndClaim } from './settle-and-claim.js';
import { createSettle, freedFlow, mayBeClaimableAtOnce, settleParams, toSettleResult, type SettledRow } from './settle.js';
import { schemaNames, type SchemaNames } from './sql.js';
import { createSteps } from './steps.js';
import { createSchedules } from './schedules.js';
import { createTimers } from './timers.js';
import { createTriggers } from './triggers.js';
import { Wakeups } from './wakeups.js';
import { createWorkerRegistry } from './workers.js';

/** The statements of one schema, built once and shared by a store and the views bound to clients. */
export function createOps(t: SchemaNames) {
  const enqueue = createEnqueue(t, false);
  const events = createEvents(t);
  return {
    enqueue,
    triggers: createTriggers(t, enqueue, events),
    schedules: createSchedules(t, enqueue),
    timers: createTimers(t),
    /** the NOTIFY goes with the statement's commit: for views bound to a caller's client, and a lone enqueue (see enqueue) */
    enqueueNotifying: createEnqueue(t, true),
    claim: createClaim(t),
    flowClaim: createFlowClaim(t),
    flow: createFlowControl(t),
    settle: createSettle(t),
    settleAndClaim: createSettleAndClaim(t),
    running: createRunningOps(t),
    maintenance: createMaintenance(t),
    control: createControl(t),
    reads: createReads(t),
    steps: createSteps(t),
    events,
    feed: createFeed(t),
    workers: createWorkerRegistry(t),
    stage: createStage(t),
    leaders: createLeaders(t),
  };
}
export type Ops = ReturnType<typeof createOps>;

/** Runs work in one transaction: on the pool, BEGIN/COMMIT on a pooled client; on a bound client, inside the caller's. */
export type Transact = <T>(body: (db: Queryable) => Promise<T>) => Promise<T>;

/**
 * What every PostgreSQL store does, whatever its optional capabilities: connections, migration,
 * wake-ups (through Wakeups, wakeups.ts), and the job lifecycle (enqueue, claim, settle, leases, journal, events, control).
 * Hot paths are single statements with batched unnest parameters and prepared statements; claims
 * take rows with FOR UPDATE SKIP LOCKED; wake-ups travel by LISTEN/NOTIFY.
 */
export abstract class PostgresStoreCore {
  readonly driver = 'postgres';
  readonly options: CompiledPostgresOptions;
  readonly names: SchemaNames;
  protected readonly pool: pg.Pool | null;
  /** claims and outcomes only: sessions that use their generic plans (see HOT_PATH_SESSION) */
  protected readonly hotPool: pg.Pool | null;
  protected readonly db: Queryable;
  /** where claims and outcomes run: the hot-path pool, or a bound view's client */
  protected readonly hotPath: Queryable;
  protected readonly transact: Transact;
  /**
   * A transaction on the hot-path pool, for outcomes that must lock their rows first: the settle
   * statement keeps its generic plan there (a custom plan made for a large batch, with statistics
   * taken while no job ran, joined every outcome against every running job)
   */
  protected readonly transactHot: Transact;
  protected readonly ops: Ops;
  protected readonly wakeups: Wakeups;
  private migrated: Promise<number[]> | null = null;
  /** enqueues whose insert has not returned (see enqueue) */
  private enqueuesInFlight = 0;

  constructor(options: PostgresOptions | string, bound?: { client: Queryable; ops: Ops; parent: PostgresStoreCore }) {
    this.options = compilePostgresOptions(options);
    this.names = schemaNames(this.options.schema);
    if (bound) {
      this.pool = null;
      this.hotPool = null;
      this.db = bound.client;
      this.hotPath = bound.client;
      this.ops = bound.ops;
      this.transact = (body) => body(bound.client);
      this.transactHot = this.transact;
      this.wakeups = new Wakeups(null, this.options, this.names);
      this.migrated = Promise.resolve([]);
      return;
    }
    const pool = createPool(this.options);
    this.pool = pool;
    const hotPool = createPool(this.options, true);
    this.hotPool = hotPool;
    this.hotPath = hotPool;
    this.db = pool;
    this.ops = createOps(this.names);
    this.transact = (body) => inTransaction(pool, body);
    this.transactHot = (body) => inTransaction(hotPool, body);
    this.wakeups = new Wakeups(pool, this.options, this.names);
  }

  async migrate(): Promise<void> {
    await this.migrateAndReport();
  }

  /** Versions applied by this call's migration (empty when the schema was current). */
  migrateAndReport(): Promise<number[]> {
    if (!this.pool) return Promise.resolve([]);
    const pool = this.pool;
    // One migration per store instance; a failed one is tried again on the next call.
    this.migrated ??= migrateSchema(pool, this.names, systemClock.now()).catch((error: unknown) => {
      this.migrated = null;
      throw error;
    });
    return this.migrated;
  }

  async close(): Promise<void> {
    await this.wakeups.close();
    if (!this.pool) return;
    await this.pool.end().catch(() => undefined);
    await this.hotPool?.end().catch(() => undefined);
  }

  /** Like the embedded store, the schema is created or upgraded on first use if `migrate` was not called. */
  protected ready(): Promise<unknown> {
    return this.migrated ?? this.migrateAndReport();
  }

  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    await this.ready();
    if (jobs.length === 0) return [];
    // a bound view's jobs are not visible before the caller commits: its in-statement NOTIFY wakes workers then
    if (!this.pool) return this.insert(this.ops.enqueueNotifying, jobs, now);
    // An enqueue with no other in flight here notifies in its own statement, which spares the
    // workers the round trip of a NOTIFY sent after its commit (about 0.15 of 1.15 ms of start
    // latency at 500 jobs/s). A notifying commit holds PostgreSQL's global notify lock through
    // its WAL flush, so enqueues that overlap it commit without one, in parallel, and the
    // notifier wakes the workers after them.
    const notifying = this.enqueuesInFlight === 0;
    this.enqueuesInFlight++;
    let results: EnqueueResult[];
    try {
      results = await this.insert(notifying ? this.ops.enqueueNotifying : this.ops.enqueue, jobs, now);
    } finally {
      this.enqueuesInFlight--;
    }
    this.wakeups.wake();
    if (!notifying) this.wakeups.notifyOthers();
    this.wakeups.signalDue(earliestDelayed(jobs, now), !notifying);
    return results;
  }

  private insert(enqueue: Ops['enqueue'], jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    return enqueue.needsTransaction(jobs) ? this.transact((db) => enqueue.insertKeyed(db, jobs, now)) : enqueue.insertPlain(this.db, jobs, now);
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    await this.ready();
    const plain = await this.ops.claim(this.hotPath, request);
    return plain.gated ? this.transact((db) => this.ops.flowClaim(db, request)) : plain.claim;
  }

  /** A claim inside a transaction the caller holds: the plain statement, else through the flow gate. */
  protected async claimIn(db: Queryable, request: ClaimRequest): Promise<ClaimResult> {
    const plain = await this.ops.claim(db, request);
    return plain.gated ? this.ops.flowClaim(db, request) : plain.claim;
  }

  async settle(settlements: readonly Settlement[], now: number): Promise<SettleResult> {
    await this.ready();
    const params = settleParams(settlements, now);
    if ((params[1] as number[]).length === 0) return { applied: [], cancelled: [] };
    const statement = mayBeClaimableAtOnce(settlements, now) ? this.ops.settle.notifying : this.ops.settle.quiet;
    const rows = settlements.some((s) => s.outcome.type === 'snoozed')
      ? await this.transactHot(async (db) => {
          await this.lockJobs(db, params[1] as number[]);
          return (await db.query<SettledRow>({ ...statement, values: params })).rows;
        })
      : (await this.hotPath.query<SettledRow>({ ...statement, values: params })).rows;
    if (statement === this.ops.settle.notifying) this.wakeups.wake();
    this.wakeups.signalDue(earliestScheduled(rows));
    const result = toSettleResult(rows);
    // held jobs in any process may start now
    if (statement !== this.ops.settle.notifying && freedFlow(rows, result)) this.wakeups.wakeEverywhere();
    return result;
  }

  /**
   * Locks job rows before a statement reads other tables about them: a snooze must see an event
   * mark committed by a sendEvent that held the row just before (see events.ts).
   */
  protected async lockJobs(db: Queryable, ids: readonly number[]): Promise<void> {
    await db.query({ name: `${this.names.prefix}lock_jobs`, text: `SELECT id FROM ${this.names.jobs} WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`, values: [ids] });
  }

  async settleAndClaim(settlements: readonly Settlement[], request: ClaimRequest): Promise<{ settled: SettleResult; claim: ClaimResult }> {
    await this.ready();
    // A snooze must lock its row before reading event marks (see lockJobs): the transaction below.
    if (!mayBeClaimableAtOnce(settlements, request.now) && !settlements.some((s) => s.outcome.type === 'snoozed')) {
      const { settled, claim, gated, freed, scheduledAt } = await this.ops.settleAndClaim(this.hotPath, settlements, request);
      // held jobs in other processes may start now (this one claims next by itself)
      if (freed) this.wakeups.notifyOthers();
      this.wakeups.signalDue(scheduledAt);
      // the settle part is committed; the claim goes through the flow gate in a transaction of its own
      return { settled, claim: gated ? await this.transact((db) => this.ops.flowClaim(db, request)) : claim };
    }
    // the claim must see what the settle made claimable: two statements in one transaction
    const result = await this.transactHot(async (db) => {
      const params = settleParams(settlements, request.now);
      await this.lockJobs(db, params[1] as number[]);
      const rows = (await db.query<SettledRow>({ ...this.ops.settle.notifying, values: params })).rows;
      return { settled: toSettleResult(rows), claim: await this.claimIn(db, request), scheduledAt: earliestScheduled(rows) };
    });
    this.wakeups.wake();
    this.wakeups.signalDue(result.scheduledAt);
    return { settled: result.settled, claim: result.claim };
  }

  async extendLeases(workerId: string, leaseMs: number, now: number): Promise<number> {
    await this.ready();
    return this.ops.running.extendLeases(this.db, workerId, leaseMs, now);
  }

  async runningJobIds(workerId: string): Promise<string[]> {
    await this.ready();
    return this.ops.running.runningJobIds(this.db, workerId);
  }

  async cancellationRequests(workerId: string): Promise<string[]> {
    await this.ready();
    return this.ops.running.cancellationRequests(this.db, workerId);
  }

  async saveProgress(jobId: string, workerId: string, attempt: number, progressJson: string, now: number): Promise<boolean> {
    await this.ready();
    return this.ops.running.saveProgress(this.db, jobId, workerId, attempt, progressJson, now);
  }

  async appendLogs(entries: readonly JobLogEntry[]): Promise<void> {
    await this.ready();
    return this.ops.running.appendLogs(this.db, entries);
  }

  async saveStep(jobId: string, workerId: string, attempt: number, step: StepRecord): Promise<boolean> {
    await this.ready();
    return this.ops.steps.saveStep(this.db, jobId, workerId, attempt, step);
  }

  async listSteps(jobId: string): Promise<StepRecord[]> {
    await this.ready();
    return this.ops.steps.listSteps(this.db, jobId);
  }

  async waitForEvent(jobId: string, workerId: string, attempt: number, stepId: string, event: string): Promise<boolean> {
    await this.ready();
    return this.ops.events.waitForEvent(this.db, jobId, workerId, attempt, stepId, event);
  }

  async sendEvent(name: string, dataJson: string, now: number): Promise<{ event: StoredEvent; woken: number }> {
    await this.ready();
    const sent = await this.transact((db) => this.ops.events.sendEvent(db, name, dataJson, now));
    if (sent.woken > 0 && this.pool) {
      this.wakeups.wake();
      // parked runs waiting for it are due now: the stager moves them to the queue
      this.wakeups.signalDue(now);
    }
    return sent;
  }

  async listEvents(name: string, since: number, limit: number): Promise<StoredEvent[]> {
    await this.ready();
    return this.ops.events.listEvents(this.db, name, since, limit);
  }

  async rescueExpired(now: number, limit: number): Promise<RescuedJob[]> {
    await this.ready();
    const rescued = await this.ops.maintenance.rescueExpired(this.db, now, limit);
    if (rescued.length && this.pool) this.wakeups.wake();
    return rescued;
  }

  async prune(request: PruneRequest): Promise<{ jobs: number }> {
    await this.ready();
    return this.ops.maintenance.prune(this.db, request);
  }

  async cancel(jobId: string, now: number): Promise<CancelResult> {
    await this.ready();
    return this.transact((db) => this.ops.control.cancel(db, jobId, now));
  }

  async retry(jobId: string, now: number): Promise<Job> {
    await this.ready();
    const job = await this.transact((db) => this.ops.control.retry(db, jobId, now));
    if (this.pool) this.wakeups.wake();
    return job;
  }

  async setBudget(jobId: string, budgetJson: string | null, now: number): Promise<Job> {
    await this.ready();
    const job = await this.transact((db) => this.ops.control.setBudget(db, jobId, budgetJson, now));
    if (this.pool) this.wakeups.wake();
    if (job.state === 'scheduled') this.wakeups.signalDue(job.runAt);
    return job;
  }

  async redrive(ids: readonly string[] | 'all', now: number): Promise<string[]> {
    await this.ready();
    const moved = await this.transact((db) => this.ops.control.redrive(db, ids, now));
    if (moved.length && this.pool) this.wakeups.wake();
    return moved;
  }

  onDue(listener: (signal: DueSignal) => void): () => void {
    return this.wakeups.onDue(listener);
  }

  onWake(listener: () => void): () => void {
    return this.wakeups.onWake(listener);
  }
}

/** The earliest run time among jobs enqueued to wait, or null when none waits. */
function earliestDelayed(jobs: readonly NewJob[], now: number): number | null {
  let earliest: number | null = null;
  for (const job of jobs) if (job.runAt > now && (earliest === null || job.runAt < earliest)) earliest = job.runAt;
  return earliest;
}

/** The earliest run time among settled jobs that became scheduled (retries, snoozes), or null. */
function earliestScheduled(rows: readonly SettledRow[]): number | null {
  let earliest: number | null = null;
  for (const row of rows) if (row.to_state === 'scheduled' && (earliest === null || row.run_at < earliest)) earliest = row.run_at;
  return earliest;
}
