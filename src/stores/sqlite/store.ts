import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type { EnqueueResult, NewJob } from '../../core/job.js';
import { systemClock } from '../../core/clock.js';
import { siblingModule } from '../../core/module-url.js';
import type { ClaimSchedulesResult, ScheduleFire, ScheduleRecord, ScheduleWrite, Timer, TimerFilter, TimerStats } from '../../store/schedule-types.js';
import type { PlannedTriggerJob, PublishResult, TriggerFire, TriggerOperations, TriggerRecord, TriggerWrite } from '../../store/trigger-types.js';
import type { ScheduleOperations, SqlQueryOptions, SqlQueryResult, Store, StoreCapabilities, StoreReopenSpec } from '../../store/store.js';
import type {
  CancelResult,
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
import { openDatabase, type SqliteDatabase, type SqliteOptions } from './connection.js';
import { createControl } from './control.js';
import { createEnqueue } from './enqueue.js';
import { createFeed } from './feed.js';
import { createMaintenance } from './maintenance.js';
import { migrateDatabase, pendingMigrations } from './migrate.js';
import { createReads } from './reads.js';
import { createRunningOps } from './running.js';
import { createEvents } from './events.js';
import { createFlowControl } from './flow-control.js';
import { createWorkerRegistry } from './workers.js';
import { createSchedules } from './schedules.js';
import { createSettle } from './settle.js';
import { createSteps } from './steps.js';
import { createTimers } from './timers.js';
import { createTriggers } from './triggers.js';
import { createSqlQuery } from './sql-query.js';
import { WalWatcher } from './wal-watcher.js';

type Ops = {
  enqueue: ReturnType<typeof createEnqueue>;
  claim: ReturnType<typeof createClaim>;
  settle: ReturnType<typeof createSettle>;
  running: ReturnType<typeof createRunningOps>;
  maintenance: ReturnType<typeof createMaintenance>;
  control: ReturnType<typeof createControl>;
  reads: ReturnType<typeof createReads>;
  steps: ReturnType<typeof createSteps>;
  events: ReturnType<typeof createEvents>;
  feed: ReturnType<typeof createFeed>;
  flow: ReturnType<typeof createFlowControl>;
  workers: ReturnType<typeof createWorkerRegistry>;
  schedules: ReturnType<typeof createSchedules>;
  timers: ReturnType<typeof createTimers>;
  triggers: ReturnType<typeof createTriggers>;
  sqlQuery: ReturnType<typeof createSqlQuery>;
};

/**
 * The embedded store: one SQLite file in WAL mode shared by any number of processes. Calls are
 * synchronous under the hood (better-sqlite3) and wrapped in promises to honour the contract.
 */
export class SqliteStore implements Store, ScheduleOperations, TriggerOperations {
  readonly driver = 'sqlite';
  readonly capabilities: StoreCapabilities;
  readonly path: string;
  private readonly db: SqliteDatabase;
  private readonly local = new EventEmitter();
  private readonly walWatcher: WalWatcher | null;
  private opsCache: Ops | null = null;
  private settleAndClaimCache: ReturnType<SqliteDatabase['transaction']> | null = null;
  private migrated = false;

  constructor(options: SqliteOptions) {
    this.path = options.path === ':memory:' ? ':memory:' : resolve(options.path);
    this.db = openDatabase({ ...options, path: this.path });
    this.walWatcher = this.path === ':memory:' ? null : new WalWatcher(this.path);
    this.capabilities = { crossProcessWakeups: this.walWatcher !== null, embedded: true, sqlQuery: true, schedules: true, flowControl: true, workerRegistry: true, eventFeed: true, triggers: true };
    this.local.setMaxListeners(0);
  }

  /** Statements are prepared once the schema exists, on first use. */
  private get ops(): Ops {
    if (!this.opsCache) {
      if (!this.migrated) this.migrateSync();
      const db = this.db;
      const enqueue = createEnqueue(db);
      const events = createEvents(db);
      this.opsCache = {
        enqueue,
        claim: createClaim(db),
        settle: createSettle(db),
        running: createRunningOps(db),
        maintenance: createMaintenance(db),
        control: createControl(db),
        reads: createReads(db),
        steps: createSteps(db),
        events,
        feed: createFeed(db),
        flow: createFlowControl(db),
        workers: createWorkerRegistry(db),
        schedules: createSchedules(db, enqueue),
        timers: createTimers(db),
        triggers: createTriggers(db, enqueue, events),
        sqlQuery: createSqlQuery(db),
      };
    }
    return this.opsCache;
  }

  private migrateSync(): number[] {
    const applied = migrateDatabase(this.db, systemClock.now());
    this.migrated = true;
    return applied;
  }

  async migrate(): Promise<void> {
    this.migrateSync();
  }

  /** Versions applied by this call (empty when the schema was current). */
  migrateAndReport(): number[] {
    return this.migrateSync();
  }

  async close(): Promise<void> {
    this.walWatcher?.stop();
    this.local.removeAllListeners();
    if (this.db.open) this.db.close();
  }

  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    const results = this.ops.enqueue(jobs, now);
    this.local.emit('wake');
    return results;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    return this.ops.claim.claim(request);
  }

  async settle(settlements: readonly Settlement[], now: number): Promise<SettleResult> {
    const applied = this.ops.settle.settle(settlements, now);
    // A retry with no backoff or a released job is claimable now.
    if (settlements.some((s) => s.outcome.type === 'released')) this.local.emit('wake');
    return applied;
  }

  async settleAndClaim(settlements: readonly Settlement[], request: ClaimRequest): Promise<{ settled: SettleResult; claim: ClaimResult }> {
    return this.settleAndClaimTx.immediate(settlements, request) as { settled: SettleResult; claim: ClaimResult };
  }

  private get settleAndClaimTx() {
    this.settleAndClaimCache ??= this.db.transaction((settlements: readonly Settlement[], request: ClaimRequest) => ({
      settled: this.ops.settle.settleInTransaction(settlements, request.now),
      claim: this.ops.claim.claimInTransaction(request),
    }));
    return this.settleAndClaimCache;
  }

  async extendLeases(workerId: string, leaseMs: number, now: number): Promise<number> {
    return this.ops.running.extendLeases(workerId, leaseMs, now);
  }

  async runningJobIds(workerId: string): Promise<string[]> {
    return this.ops.running.runningJobIds(workerId);
  }

  /** Lets the runtime reopen this store in a heartbeat thread. */
  reopenSpec(): StoreReopenSpec | null {
    if (this.path === ':memory:') return null;
    return { module: siblingModule(import.meta.url, 'index').href, exportName: 'sqliteStore', options: { path: this.path } };
  }

  async cancellationRequests(workerId: string): Promise<string[]> {
    return this.ops.running.cancellationRequests(workerId);
  }


  async saveProgress(jobId: string, workerId: string, attempt: number, progressJson: string, now: number): Promise<boolean> {
    return this.ops.running.saveProgress(jobId, workerId, attempt, progressJson, now);
  }

  async appendLogs(entries: readonly JobLogEntry[]): Promise<void> {
    this.ops.running.appendLogs(entries);
  }

  async saveStep(jobId: string, workerId: string, attempt: number, step: StepRecord): Promise<boolean> {
    return this.ops.steps.saveStep(jobId, workerId, attempt, step);
  }

  async listSteps(jobId: string): Promise<StepRecord[]> {
    return this.ops.steps.listSteps(jobId);
  }

  async waitForEvent(jobId: string, workerId: string, attempt: number, stepId: string, event: string): Promise<boolean> {
    return this.ops.events.waitForEvent(jobId, workerId, attempt, stepId, event);
  }

  async sendEvent(name: string, dataJson: string, now: number): Promise<{ event: StoredEvent; woken: number }> {
    const sent = this.ops.events.sendEvent(name, dataJson, now);
    if (sent.woken > 0) this.local.emit('wake');
    return sent;
  }

  async listEvents(name: string, since: number, limit: number): Promise<StoredEvent[]> {
    return this.ops.events.listEvents(name, since, limit);
  }

  async rescueExpired(now: number, limit: number): Promise<RescuedJob[]> {
    const rescued = this.ops.maintenance.rescueExpired(now, limit);
    if (rescued.length) this.local.emit('wake');
    return rescued;
  }

  async prune(request: PruneRequest): Promise<{ jobs: number }> {
    return this.ops.maintenance.prune(request);
  }

  async controlFlow(change: FlowChange, now: number): Promise<void> {
    this.ops.flow.controlFlow(change, now);
    // a resumed queue, a raised limit or a reset breaker may let waiting jobs start
    this.local.emit('wake');
  }

  async readFlow(): Promise<FlowSnapshot> {
    return this.ops.flow.readFlow();
  }

  async queueDepth(queues: readonly string[]): Promise<number> {
    return this.ops.flow.queueDepth(queues);
  }

  async saveWorker(worker: WorkerRecord): Promise<void> {
    this.ops.workers.saveWorker(worker);
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    return this.ops.workers.listWorkers();
  }

  async reapWorkers(now: number, forgetBefore: number): Promise<string[]> {
    return this.ops.workers.reapWorkers(now, forgetBefore);
  }

  async cancel(jobId: string, now: number): Promise<CancelResult> {
    return this.ops.control.cancel(jobId, now);
  }

  async retry(jobId: string, now: number): Promise<Job> {
    const job = this.ops.control.retry(jobId, now);
    this.local.emit('wake');
    return job;
  }

  async setBudget(jobId: string, budgetJson: string | null, now: number): Promise<Job> {
    const job = this.ops.control.setBudget(jobId, budgetJson, now);
    this.local.emit('wake');
    return job;
  }

  async redrive(ids: readonly string[] | 'all', now: number): Promise<string[]> {
    const redriven = this.ops.control.redrive(ids, now);
    if (redriven.length) this.local.emit('wake');
    return redriven;
  }

  async getJob(jobId: string): Promise<Job | null> {
    return this.ops.reads.getJob(jobId);
  }

  async getJobDetails(jobId: string): Promise<JobDetails | null> {
    return this.ops.reads.getJobDetails(jobId);
  }

  async listJobs(filter: JobFilter): Promise<Job[]> {
    return this.ops.reads.listJobs(filter);
  }

  async stats(now: number) {
    return this.ops.reads.stats(now);
  }

  async checkpointStats() {
    return this.ops.reads.checkpointStats();
  }

  async statsByName(filter: { tag?: string } = {}): Promise<NameStats[]> {
    return this.ops.reads.statsByName(filter);
  }

  async pendingCount(): Promise<number> {
    return this.ops.reads.pendingCount();
  }

  async appendFeed(entries: readonly FeedEntry[]): Promise<void> {
    this.ops.feed.append(entries);
    if (entries.length) this.local.emit('wake');
  }

  async readFeed(after: string | null, limit: number): Promise<FeedPage> {
    return this.ops.feed.read(after, limit);
  }

  async trimFeed(before: number, limit: number): Promise<number> {
    return this.ops.feed.trim(before, limit);
  }

  /** Reads the migration ledger directly, so a database behind this version is reported, not upgraded. */
  async checkHealth(): Promise<StoreHealth> {
    return { pendingMigrations: pendingMigrations(this.db) };
  }

  async saveSchedule(write: ScheduleWrite, now: number): Promise<ScheduleRecord> {
    const saved = this.ops.schedules.saveSchedule(write, now);
    this.local.emit('wake'); // schedulers re-read the next due time
    return saved;
  }

  async getSchedule(id: string): Promise<ScheduleRecord | null> {
    return this.ops.schedules.getSchedule(id);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return this.ops.schedules.listSchedules();
  }

  async deleteSchedule(id: string): Promise<boolean> {
    return this.ops.schedules.deleteSchedule(id);
  }

  async claimDueSchedules(now: number, limit: number): Promise<ClaimSchedulesResult> {
    const result = this.ops.schedules.claimDueSchedules(now, limit);
    if (result.fired.some((f) => f.action === 'enqueued')) this.local.emit('wake');
    return result;
  }

  async triggerSchedule(id: string, now: number): Promise<ScheduleFire> {
    const fire = this.ops.schedules.triggerSchedule(id, now);
    this.local.emit('wake');
    return fire;
  }

  async listScheduleFires(id: string, limit: number): Promise<ScheduleFire[]> {
    return this.ops.schedules.listScheduleFires(id, limit);
  }

  async listTimers(filter: TimerFilter): Promise<Timer[]> {
    return this.ops.timers.listTimers(filter);
  }

  async timerStats(): Promise<TimerStats> {
    return this.ops.timers.timerStats();
  }

  // --- event triggers (capabilities.triggers)

  async saveTrigger(write: TriggerWrite, now: number): Promise<TriggerRecord> {
    return this.ops.triggers.saveTrigger(write, now);
  }

  async getTrigger(id: string): Promise<TriggerRecord | null> {
    return this.ops.triggers.getTrigger(id);
  }

  async listTriggers(filter: { event?: string } = {}): Promise<TriggerRecord[]> {
    return this.ops.triggers.listTriggers(filter);
  }

  async deleteTrigger(id: string): Promise<boolean> {
    return this.ops.triggers.deleteTrigger(id);
  }

  async publishEvent(key: string, name: string, dataJson: string, planned: readonly PlannedTriggerJob[], now: number): Promise<PublishResult> {
    const result = this.ops.triggers.publishEvent(key, name, dataJson, planned, now);
    if (result.woken > 0 || (!result.deduplicated && result.fires.length > 0)) this.local.emit('wake');
    return result;
  }

  async listTriggerFires(triggerId: string, limit: number): Promise<TriggerFire[]> {
    return this.ops.triggers.listTriggerFires(triggerId, limit);
  }

  async sqlQuery(sql: string, params: readonly unknown[] | Record<string, unknown>, options: SqlQueryOptions): Promise<SqlQueryResult> {
    return this.ops.sqlQuery(sql, params, options);
  }

  onWake(listener: () => void): () => void {
    this.local.on('wake', listener);
    const unwatch = this.walWatcher?.subscribe(listener);
    return () => {
      this.local.off('wake', listener);
      unwatch?.();
    };
  }
}
