import { ValidationError, describeValue } from '../../core/errors.js';
import { siblingModule } from '../../core/module-url.js';
import type { ClaimSchedulesResult, ScheduleFire, ScheduleRecord, ScheduleWrite, Timer, TimerFilter, TimerStats } from '../../store/schedule-types.js';
import type { PlannedTriggerJob, PublishResult, TriggerFire, TriggerOperations, TriggerRecord, TriggerWrite } from '../../store/trigger-types.js';
import type { ScheduleOperations, StoreReopenSpec, SqlQueryOptions, SqlQueryResult, Store, StoreCapabilities } from '../../store/store.js';
import type {
  CheckpointStats,
  FlowChange,
  FlowSnapshot,
  Job,
  JobDetails,
  JobFilter,
  NameStats,
  QueueStats,
  FeedEntry,
  FeedPage,
  LeaderLease,
  LeaderRecord,
  StageResult,
  StoreHealth,
  WorkerRecord,
} from '../../store/types.js';
import type { Queryable } from './connection.js';
import { checkLease } from './leaders.js';
import { checkHealth } from './health.js';
import { createSqlQuery } from './sql-query.js';
import { PostgresStoreCore } from './store-core.js';

/**
 * The PostgreSQL store: any number of processes on any number of hosts share one database. The
 * job lifecycle is in store-core.ts; this adds the reads and the optional capabilities (flow
 * control, schedules and timers, the worker registry, leader election, the event feed, health, SQL
 * queries).
 */
export class PostgresStore extends PostgresStoreCore implements Store, ScheduleOperations, TriggerOperations {
  readonly capabilities: StoreCapabilities = {
    crossProcessWakeups: true,
    embedded: false,
    sqlQuery: true,
    schedules: true,
    eventFeed: true,
    workerRegistry: true,
    flowControl: true,
    leaderElection: true,
    stagedByLeader: true,
    triggers: true,
  };
  private sqlQueryCache: ReturnType<typeof createSqlQuery> | null = null;

  /**
   * A view of this store whose operations run on `client`, typically inside your own transaction:
   * `enqueue` through it inserts jobs that exist exactly when your transaction commits (and wakes
   * workers then). The view never opens, commits or closes anything; do not call `migrate` on it.
   */
  withClient(client: Queryable): PostgresStore {
    return new PostgresStore(this.options, { client, ops: this.ops, parent: this });
  }

  // --- reads

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
    this.wakeups.wakeEverywhere();
  }

  async readFlow(): Promise<FlowSnapshot> {
    await this.ready();
    return this.ops.flow.readFlow(this.db);
  }

  async queueDepth(queues: readonly string[]): Promise<number> {
    await this.ready();
    return this.ops.flow.queueDepth(this.db, queues);
  }

  // --- schedules and timers (capabilities.schedules)

  async saveSchedule(write: ScheduleWrite, now: number): Promise<ScheduleRecord> {
    await this.ready();
    const saved = await this.transact((db) => this.ops.schedules.saveSchedule(db, write, now));
    this.wakeups.wakeEverywhere(); // schedulers re-read the next due time
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
    if (result.fired.some((f) => f.action === 'enqueued')) this.wakeups.wakeEverywhere();
    return result;
  }

  async triggerSchedule(id: string, now: number): Promise<ScheduleFire> {
    await this.ready();
    const fire = await this.transact((db) => this.ops.schedules.triggerSchedule(db, id, now));
    this.wakeups.wakeEverywhere();
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

  // --- event triggers (capabilities.triggers): see triggers.ts

  async saveTrigger(write: TriggerWrite, now: number): Promise<TriggerRecord> {
    await this.ready();
    return this.ops.triggers.saveTrigger(this.db, write, now);
  }

  async getTrigger(id: string): Promise<TriggerRecord | null> {
    await this.ready();
    return this.ops.triggers.getTrigger(this.db, id);
  }

  async listTriggers(filter: { event?: string } = {}): Promise<TriggerRecord[]> {
    await this.ready();
    return this.ops.triggers.listTriggers(this.db, filter);
  }

  async deleteTrigger(id: string): Promise<boolean> {
    await this.ready();
    return this.transact((db) => this.ops.triggers.deleteTrigger(db, id));
  }

  async publishEvent(key: string, name: string, dataJson: string, planned: readonly PlannedTriggerJob[], now: number): Promise<PublishResult> {
    await this.ready();
    const result = await this.transact((db) => this.ops.triggers.publishEvent(db, key, name, dataJson, planned, now));
    if (!this.pool || result.deduplicated) return result;
    if (result.fires.length > 0) this.wakeups.wakeEverywhere();
    else if (result.woken > 0) this.wakeups.wake();
    // runs waiting for the event are due now, and started jobs with a delay later: the stager moves them
    const started = new Set(result.fires.map((f) => f.triggerId));
    const delayed = planned.filter((p) => started.has(p.triggerId) && p.job.runAt > now).map((p) => p.job.runAt);
    if (result.woken > 0) this.wakeups.signalDue(now);
    if (delayed.length > 0) this.wakeups.signalDue(Math.min(...delayed));
    return result;
  }

  async listTriggerFires(triggerId: string, limit: number): Promise<TriggerFire[]> {
    await this.ready();
    return this.ops.triggers.listTriggerFires(this.db, triggerId, limit);
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

  // --- leader election (capabilities.leaderElection, stagedByLeader): see leaders.ts, stage.ts

  /** The stager's call (one elected process): due jobs to queued in one transaction, then workers wake. */
  async stageDue(now: number, limit: number): Promise<StageResult> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new ValidationError(`expected stageDue limit to be a positive integer, got ${describeValue(limit)}`);
    await this.ready();
    const result = await this.transact((db) => this.ops.stage(db, now, limit));
    if (result.staged > 0) this.wakeups.wakeEverywhere();
    return result;
  }

  async acquireLeadership(role: string, holder: string, ttlMs: number): Promise<LeaderLease> {
    checkLease(role, holder, ttlMs);
    await this.ready();
    return this.ops.leaders.acquire(this.db, role, holder, ttlMs);
  }

  async releaseLeadership(role: string, holder: string): Promise<void> {
    checkLease(role, holder, 1);
    await this.ready();
    await this.ops.leaders.release(this.db, role, holder);
    this.wakeups.signalReleased(role);
  }

  async listLeaders(): Promise<LeaderRecord[]> {
    await this.ready();
    return this.ops.leaders.list(this.db);
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
    if (this.pool) this.wakeups.wakeEverywhere();
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
