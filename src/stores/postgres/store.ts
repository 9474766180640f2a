import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { systemClock } from '../../core/clock.js';
import type { EnqueueResult, NewJob } from '../../core/job.js';
import { siblingModule } from '../../core/module-url.js';
import { ValidationError } from '../../core/errors.js';
import type { ClaimSchedulesResult, ScheduleFire, ScheduleRecord, ScheduleWrite, Timer, TimerFilter, TimerStats } from '../../store/schedule-types.js';
import type { ScheduleOperations, SqlQueryOptions, SqlQueryResult, Store, StoreCapabilities, StoreReopenSpec } from '../../store/store.js';
import type {
  CancelResult,
  CheckpointStats,
  ClaimRequest,
  ClaimResult,
  FlowChange,
  FlowSnapshot,
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
  WorkerRecord,
} from '../../store/types.js';
import { createClaim } from './claim.js';
import { createPool, inTransaction, type Queryable } from './connection.js';
import { createControl } from './control.js';
import { createEnqueue } from './enqueue.js';
import { createFlowClaim } from './flow-claim.js';
import { createFlowControl } from './flow-control.js';
import { createEvents } from './events.js';
import { createFeed } from './feed.js';
import { checkHealth } from './health.js';
import { WakeListener } from './listener.js';
import { WakeNotifier } from './notifier.js';
import { createMaintenance } from './maintenance.js';
import { migrateSchema } from './migrate.js';
import { compilePostgresOptions, type CompiledPostgresOptions, type PostgresOptions } from './options.js';
import { createReads } from './reads.js';
import { createRunningOps } from './running.js';
import { createSettleAndClaim } from './settle-and-claim.js';
import { createSettle, freedFlow, mayBeClaimableAtOnce, settleParams, toSettleResult, type SettledRow } from './settle.js';
import { schemaNames, type SchemaNames } from './sql.js';
import { createSqlQuery } from './sql-query.js';
import { createSteps } from './steps.js';
import { createSchedules } from './schedules.js';
import { createTimers } from './timers.js';
import { createWorkerRegistry } from './workers.js';

/** The statements of one schema, built once and shared by a store and the views bound to clients. */
function createOps(t: SchemaNames) {
  const enqueue = createEnqueue(t, false);
  return {
    enqueue,
    schedules: createSchedules(t, enqueue),
    timers: createTimers(t),
    /** for views bound to a caller's client: the NOTIFY goes with the caller's commit */
    enqueueInCallerTransaction: createEnqueue(t, true),
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
    events: createEvents(t),
    feed: createFeed(t),
    workers: createWorkerRegistry(t),
  };
}
type Ops = ReturnType<typeof createOps>;

/** Runs work in one transaction: on the pool, BEGIN/COMMIT on a pooled client; on a bound client, inside the caller's. */
type Transact = <T>(body: (db: Queryable) => Promise<T>) => Promise<T>;

/**
 * The PostgreSQL store: any number of processes on any number of hosts share one database. Hot
 * paths are single statements (claim, settle, settle-and-claim, enqueue) with batched unnest
 * parameters and prepared statements; claims take rows with FOR UPDATE SKIP LOCKED; wake-ups
 * travel by LISTEN/NOTIFY.
 */
export class PostgresStore implements Store, ScheduleOperations {
  readonly driver = 'postgres';
  readonly capabilities: StoreCapabilities = {
    crossProcessWakeups: true,
    embedded: false,
    sqlQuery: true,
    schedules: true,
    eventFeed: true,
    workerRegistry: true,
    flowControl: true,
  };
  readonly options: CompiledPostgresOptions;
  readonly names: SchemaNames;
  private readonly pool: pg.Pool | null;
  /** claims only: sessions with synchronous_commit off (see createPool) */
  private readonly claimPool: pg.Pool | null;
  private readonly db: Queryable;
  private readonly transact: Transact;
  private readonly ops: Ops;
  private readonly local = new EventEmitter();
  private readonly listener: WakeListener | null;
  private readonly notifier: WakeNotifier | null;
  private migrated: Promise<number[]> | null = null;
  private sqlQueryCache: ReturnType<typeof createSqlQuery> | null = null;

  constructor(options: PostgresOptions | string, bound?: { client: Queryable; ops: Ops; parent: PostgresStore }) {
    this.options = compilePostgresOptions(options);
    this.names = schemaNames(this.options.schema);
    this.local.setMaxListeners(0);
    if (bound) {
      this.pool = null;
      this.claimPool = null;
      this.db = bound.client;
      this.ops = bound.ops;
      this.transact = (body) => body(bound.client);
      this.listener = null;
      this.notifier = null;
      this.migrated = Promise.resolve([]);
      return;
    }
    const pool = createPool(this.options);
    this.pool = pool;
    this.claimPool = createPool(this.options, true);
    this.db = pool;
    this.ops = createOps(this.names);
    this.transact = (body) => inTransaction(pool, body);
    this.listener = new WakeListener(this.options.connectionString, this.names.channel, this.options.listenerRetryMs);
    this.notifier = new WakeNotifier(pool, this.names.channel);
  }

  /**
   * A view of this store whose operations run on `client`, typically inside your own transaction:
   * `enqueue` through it inserts jobs that exist exactly when your transaction commits (and wakes
   * workers then). The view never opens, commits or closes anything; do not call `migrate` on it.
   */
  withClient(client: Queryable): PostgresStore {
    return new PostgresStore(this.options, { client, ops: this.ops, parent: this });
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
    this.local.removeAllListeners();
    if (!this.pool) return;
    await this.notifier?.flush();
    await this.listener?.stop();
    await this.pool.end().catch(() => undefined);
    await this.claimPool?.end().catch(() => undefined);
  }

  /** Like the embedded store, the schema is created or upgraded on first use if `migrate` was not called. */
  private ready(): Promise<unknown> {
    return this.migrated ?? this.migrateAndReport();
  }

  private wake(): void {
    this.local.emit('wake');
  }

  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    await this.ready();
    if (jobs.length === 0) return [];
    const enqueue = this.pool ? this.ops.enqueue : this.ops.enqueueInCallerTransaction;
    const results = enqueue.needsTransaction(jobs)
      ? await this.transact((db) => enqueue.insertKeyed(db, jobs, now))
      : await enqueue.insertPlain(this.db, jobs, now);
    // a bound view's jobs are not visible before the caller commits: its in-statement NOTIFY wakes workers then
    if (this.pool) {
      this.wake();
      this.notifier?.notify();
    }
    return results;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    await this.ready();
    const plain = await this.ops.claim(this.claimPool ?? this.db, request);
    return plain.gated ? this.transact((db) => this.ops.flowClaim(db, request)) : plain.claim;
  }

  /** A claim inside a transaction the caller holds: the plain statement, else through the flow gate. */
  private async claimIn(db: Queryable, request: ClaimRequest): Promise<ClaimResult> {
    const plain = await this.ops.claim(db, request);
    return plain.gated ? this.ops.flowClaim(db, request) : plain.claim;
  }

  async settle(settlements: readonly Settlement[], now: number): Promise<SettleResult> {
    await this.ready();
    const params = settleParams(settlements, now);
    if ((params[1] as number[]).length === 0) return { applied: [], cancelled: [] };
    const statement = mayBeClaimableAtOnce(settlements, now) ? this.ops.settle.notifying : this.ops.settle.quiet;
    const rows = settlements.some((s) => s.outcome.type === 'snoozed')
      ? await this.transact(async (db) => {
          await this.lockJobs(db, params[1] as number[]);
          return (await db.query<SettledRow>({ ...statement, values: params })).rows;
        })
      : (await this.db.query<SettledRow>({ ...statement, values: params })).rows;
    if (statement === this.ops.settle.notifying) this.wake();
    const result = toSettleResult(rows);
    // held jobs in any process may start now
    if (statement !== this.ops.settle.notifying && freedFlow(rows, result)) this.wakeEverywhere();
    return result;
  }

  /**
   * Locks job rows before a statement reads other tables about them: a snooze must see an event
   * mark committed by a sendEvent that held the row just before (see events.ts).
   */
  private async lockJobs(db: Queryable, ids: readonly number[]): Promise<void> {
    await db.query({ name: `${this.names.prefix}lock_jobs`, text: `SELECT id FROM ${this.names.jobs} WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`, values: [ids] });
  }

  async settleAndClaim(settlements: readonly Settlement[], request: ClaimRequest): Promise<{ settled: SettleResult; claim: ClaimResult }> {
    await this.ready();
    // A snooze must lock its row before reading event marks (see lockJobs): the transaction below.
    if (!mayBeClaimableAtOnce(settlements, request.now) && !settlements.some((s) => s.outcome.type === 'snoozed')) {
      const { settled, claim, gated, freed } = await this.ops.settleAndClaim(this.db, settlements, request);
      // held jobs in other processes may start now (this one claims next by itself)
      if (freed) this.notifier?.notify();
      // the settle part is committed; the claim goes through the flow gate in a transaction of its own
      return { settled, claim: gated ? await this.transact((db) => this.ops.flowClaim(db, request)) : claim };
    }
    // the claim must see what the settle made claimable: two statements in one transaction
    const result = await this.transact(async (db) => {
      const params = settleParams(settlements, request.now);
      await this.lockJobs(db, params[1] as number[]);
      const rows = (await db.query<SettledRow>({ ...this.ops.settle.notifying, values: params })).rows;
      return { settled: toSettleResult(rows), claim: await this.claimIn(db, request) };
    });
    this.wake();
    return result;
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
    if (sent.woken > 0 && this.pool) this.wake();
    return sent;
  }

  async listEvents(name: string, since: number, limit: number): Promise<StoredEvent[]> {
    await this.ready();
    return this.ops.events.listEvents(this.db, name, since, limit);
  }

  async rescueExpired(now: number, limit: number): Promise<RescuedJob[]> {
    await this.ready();
    const rescued = await this.ops.maintenance.rescueExpired(this.db, now, limit);
    if (rescued.length && this.pool) this.wake();
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
    if (this.pool) this.wake();
    return job;
  }

  async setBudget(jobId: string, budgetJson: string | null, now: number): Promise<Job> {
    await this.ready();
    const job = await this.transact((db) => this.ops.control.setBudget(db, jobId, budgetJson, now));
    if (this.pool) this.wake();
    return job;
  }

  async redrive(ids: readonly string[] | 'all', now: number): Promise<string[]> {
    await this.ready();
    const moved = await this.transact((db) => this.ops.control.redrive(db, ids, now));
    if (moved.length && this.pool) this.wake();
    return moved;
  }

  async getJob(jobId: string): Promise<Job | null> {
    await this.ready();
    return this.ops.reads.getJob(this.db, jobId);
  }

  async getJobDetails(jobId: string): Promise<JobDetails | null> {
    await this.ready();
    return this.ops.reads.getJobDetails(this.db, jobId);
  }

  async listJobs(filter: JobFilter): Promise<Job[]> {
    await this.ready();
    return this.ops.reads.listJobs(this.db, filter);
  }

  async stats(now: number): Promise<QueueStats[]> {
    await this.ready();
    return this.ops.reads.stats(this.db, now);
  }

  async checkpointStats(): Promise<CheckpointStats> {
    await this.ready();
    return this.ops.reads.checkpointStats(this.db);
  }

  async statsByName(filter: { tag?: string } = {}): Promise<NameStats[]> {
    await this.ready();
    return this.ops.reads.statsByName(this.db, filter);
  }

  async pendingCount(): Promise<number> {
    await this.ready();
    return this.ops.reads.pendingCount(this.db);
  }

  // --- flow control (capabilities.flowControl)

  async controlFlow(change: FlowChange, now: number): Promise<void> {
    await this.ready();
    await this.transact((db) => this.ops.flow.controlFlow(db, change, now));
    // a resumed queue, a raised limit or a reset breaker may let waiting jobs start
    this.wakeEverywhere();
  }

  async readFlow(): Promise<FlowSnapshot> {
    await this.ready();
    return this.ops.flow.readFlow(this.db);
  }

  async queueDepth(queues: readonly string[]): Promise<number> {
    await this.ready();
    return this.ops.flow.queueDepth(this.db, queues);
  }

  /** Wakes this process's listeners now and other processes' after the commit. */
  private wakeEverywhere(): void {
    if (!this.pool) return;
    this.wake();
    this.notifier?.notify();
  }

  // --- schedules and timers (capabilities.schedules)

  async saveSchedule(write: ScheduleWrite, now: number): Promise<ScheduleRecord> {
    await this.ready();
    const saved = await this.transact((db) => this.ops.schedules.saveSchedule(db, write, now));
    this.wakeEverywhere(); // schedulers re-read the next due time
    return saved;
  }

  async getSchedule(id: string): Promise<ScheduleRecord | null> {
    await this.ready();
    return this.ops.schedules.getSchedule(this.db, id);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    await this.ready();
    return this.ops.schedules.listSchedules(this.db);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    await this.ready();
    return this.transact((db) => this.ops.schedules.deleteSchedule(db, id));
  }

  /** Nothing due (the common case) costs one read; else one transaction whose due rows are locked with SKIP LOCKED. */
  async claimDueSchedules(now: number, limit: number): Promise<ClaimSchedulesResult> {
    await this.ready();
    const { schedules } = this.ops;
    const earliest = await schedules.readEarliest(this.db);
    if (!earliest.waiting && (earliest.nextFireAt === null || earliest.nextFireAt > now)) return { fired: [], ...earliest };
    const result = await this.transact((db) => schedules.claimDueSchedules(db, now, limit));
    if (result.fired.some((f) => f.action === 'enqueued')) this.wakeEverywhere();
    return result;
  }

  async triggerSchedule(id: string, now: number): Promise<ScheduleFire> {
    await this.ready();
    const fire = await this.transact((db) => this.ops.schedules.triggerSchedule(db, id, now));
    this.wakeEverywhere();
    return fire;
  }

  async listScheduleFires(id: string, limit: number): Promise<ScheduleFire[]> {
    await this.ready();
    return this.ops.schedules.listScheduleFires(this.db, id, limit);
  }

  async listTimers(filter: TimerFilter): Promise<Timer[]> {
    await this.ready();
    return this.ops.timers.listTimers(this.db, filter);
  }

  async timerStats(): Promise<TimerStats> {
    await this.ready();
    return this.ops.timers.timerStats(this.db);
  }

  // --- worker registry (capabilities.workerRegistry); heartbeats ride on extendLeases (running.ts)

  async saveWorker(worker: WorkerRecord): Promise<void> {
    await this.ready();
    await this.ops.workers.saveWorker(this.db, worker);
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    await this.ready();
    return this.ops.workers.listWorkers(this.db);
  }

  async reapWorkers(now: number, forgetBefore: number): Promise<string[]> {
    await this.ready();
    return this.ops.workers.reapWorkers(this.db, now, forgetBefore);
  }

  // --- event feed (capabilities.eventFeed): see feed.ts for why appends cannot be read out of order

  /**
   * One statement (one transaction); other processes' servers are woken by NOTIFY after it commits.
   * On a view bound to a caller's client the entries exist when that transaction commits, and so
   * does the NOTIFY sent with them.
   */
  async appendFeed(entries: readonly FeedEntry[]): Promise<void> {
    await this.ready();
    if (entries.length === 0) return;
    await this.ops.feed.append(this.db, entries);
    if (this.pool) this.wakeEverywhere();
    else await this.db.query({ text: "SELECT pg_notify($1, '')", values: [this.names.channel] });
  }

  async readFeed(after: string | null, limit: number): Promise<FeedPage> {
    await this.ready();
    return this.ops.feed.read(this.db, after, limit);
  }

  async trimFeed(before: number, limit: number): Promise<number> {
    await this.ready();
    return this.ops.feed.trim(this.db, before, limit);
  }

  /** Reads the migration ledger without migrating (see health.ts), so a readiness probe reports a schema behind. */
  async checkHealth(): Promise<StoreHealth> {
    return checkHealth(this.db, this.names);
  }

  /** SQL DAG nodes' queries (see sql-query.ts); on a client-bound view, inside the caller's transaction is not supported. */
  async sqlQuery(sql: string, params: readonly unknown[] | Record<string, unknown>, options: SqlQueryOptions): Promise<SqlQueryResult> {
    if (!this.pool) throw new ValidationError('sqlQuery is not available on a store bound to a client (withClient); use the store itself');
    await this.ready();
    this.sqlQueryCache ??= createSqlQuery(this.pool, this.names);
    return this.sqlQueryCache(sql, params, options);
  }

  onWake(listener: () => void): () => void {
    this.local.on('wake', listener);
    const unlisten = this.listener?.subscribe(listener);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.local.off('wake', listener);
      unlisten?.();
    };
  }

  /** The heartbeat thread opens its own small pool on the same database and schema. */
  reopenSpec(): StoreReopenSpec | null {
    if (!this.pool) return null;
    return {
      module: siblingModule(import.meta.url, 'index').href,
      exportName: 'postgresStore',
      options: { connectionString: this.options.connectionString, schema: this.options.schema, poolSize: 1 },
    };
  }
}


