import { systemClock, type Clock } from '../core/clock.js';
import { parseDuration, type Duration } from '../core/duration.js';
import { NotFoundError, ValidationError, describeValue } from '../core/errors.js';
import { compileAging, type Breaker, type BreakerInput, type FlowLimit, type LimitInput } from '../core/flow.js';
import type { EnqueueResult, Job } from '../core/job.js';
import { compileJobOptions, type EnqueueOptions } from '../core/options.js';
import { rejectNul } from '../core/text.js';
import type { ScheduleInput } from '../core/schedule.js';
import type { ScheduleFire, ScheduleRecord, Timer, TimerFilter, TimerStats } from '../store/schedule-types.js';
import type { Store } from '../store/store.js';
import type { CheckpointStats, JobDetails, JobFilter, LeaderRecord, NameStats, QueueStats, StepRecord, WorkerRecord } from '../store/types.js';
import { EngineEventBus, type EngineEventName, type EngineEvents } from '../telemetry/events.js';
import { activeTraceParent } from '../telemetry/trace-context.js';
import { EventFeedPublisher, type FeedPublisherOptions } from './event-feed.js';
import { CHECKPOINT_STEP_ID } from '../store/journal.js';
import { DEFAULT_COMPRESSION_THRESHOLD, expandStep } from './checkpoint-codec.js';
import { checkFlowSupport, createFlowAdmin, type QueueInfo } from './flow-admin.js';
import { defineJob, HandlerRegistry, isJobDefinition, type JobDefinition, type JobHandler } from './handlers.js';
import { endedFromJob, runEndHooks, type EndHookTools } from './end-hooks.js';
import { createMaintenance, retentionPolicy, type RetentionPolicy } from './maintenance.js';
import { ScheduleRunner } from './scheduler.js';
import { ScheduleService, scheduleStore } from './schedules.js';
import type { BackfillInput, BackfillResult } from './schedule-backfill.js';
import { TimerService } from './timers.js';
import { eventDataJson, TriggerService, triggerStore, type SendEventOptions, type SendEventResult, type TriggerView } from './triggers.js';
import type { TriggerInput } from '../core/trigger.js';
import type { TriggerFire } from '../store/trigger-types.js';
import { compileWorkerOptions, type WorkerOptions } from './worker-options.js';
import { Worker } from './worker.js';
import { drainWith } from './drain.js';
import { LeaderDuties, leaderLeaseMs } from './leader-duties.js';

export interface TaskwrightOptions {
  store: Store;
  clock?: Clock;
  /** how long finished jobs, their results and logs are kept. Defaults: completed 7d, failed 30d. */
  retention?: { completed?: Duration; failed?: Duration };
  /** checkpoint data and step outputs larger than this (bytes of JSON) are stored compressed. Default 16 KiB. */
  checkpointCompressionThreshold?: number;
  /**
   * how long a job waits to gain one priority level, so low priority work is never starved.
   * Default 10s; `false` orders by priority first (one level outweighs about 11 days of waiting).
   */
  priorityAging?: Duration | false;
  /**
   * Stores shared by many processes (PostgreSQL) elect one leader engine to stage due jobs, run
   * maintenance and fire schedules; a leader that dies is replaced within this lease. Default 10s.
   */
  leaderLease?: Duration;
}

export interface EnqueueItem<Payload = unknown> {
  name: string;
  payload?: Payload;
  options?: EnqueueOptions;
}

export interface DrainOptions extends WorkerOptions {
  /** give up after this long. Default 30s. */
  timeout?: Duration;
}

/**
 * The Taskwright engine: register handlers, enqueue jobs, run workers, inspect and control jobs.
 *
 * ```ts
 * const tw = new Taskwright({ store: sqliteStore('./jobs.db') });
 * tw.register('email.send', async (payload, ctx) => { ... });
 * await tw.enqueue('email.send', { to: 'a@example.com' }, { attempts: 5 });
 * await tw.worker({ concurrency: 20 }).start();
 * ```
 */
export class Taskwright {
  readonly store: Store;
  readonly clock: Clock;
  readonly events = new EngineEventBus();
  /** identifies this engine's entries in the store's event feed */
  readonly instanceId = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  private feedPublisher: EventFeedPublisher | null = null;
  private readonly registry = new HandlerRegistry();
  private readonly workers = new Set<Worker>();
  private readonly retention: RetentionPolicy;
  private readonly checkpointThresholdBytes: number;
  private readonly maintenance: ReturnType<typeof createMaintenance>;
  private readonly agingStepMs: number;
  private readonly flow: ReturnType<typeof createFlowAdmin>;
  private readonly schedules: ScheduleService;
  private readonly timers: TimerService;
  private readonly triggers: TriggerService;
  private runner: ScheduleRunner | null = null;
  private readonly endTools: EndHookTools;
  private readonly duties: LeaderDuties;

  constructor(options: TaskwrightOptions) {
    if (!options || typeof options.store?.claim !== 'function') {
      throw new ValidationError(`expected options.store to be a Taskwright store, got ${describeValue(options?.store)}`);
    }
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.retention = retentionPolicy(options.retention);
    const threshold = options.checkpointCompressionThreshold ?? DEFAULT_COMPRESSION_THRESHOLD;
    if (!Number.isInteger(threshold) || threshold < 0) {
      throw new ValidationError(`expected checkpointCompressionThreshold to be a non-negative integer, got ${describeValue(threshold)}`);
    }
    this.checkpointThresholdBytes = threshold;
    this.endTools = { store: this.store, events: this.events, now: () => this.clock.now(), definition: (name) => this.registry.get(name) };
    this.maintenance = createMaintenance(this.store, this.events, this.clock, this.retention, this.endTools);
    this.agingStepMs = compileAging(options.priorityAging);
    this.flow = createFlowAdmin(this.store, this.clock);
    this.schedules = new ScheduleService(this.store, this.clock, (name) => this.registry.get(name)?.defaults);
    this.timers = new TimerService(this.store, this.clock);
    this.triggers = new TriggerService(this.store, this.clock, this.events, (name) => this.registry.get(name)?.defaults);
    this.duties = new LeaderDuties(this.store, this.clock, this.events, this.instanceId, leaderLeaseMs(options.leaderLease), () => this.runner?.wake());
  }

  /**
   * Which leader roles this engine holds now: `stager` (staging due jobs and maintenance) and
   * `scheduler` (firing schedules), and the id it holds them under. On a store without leader
   * election every engine with a running worker holds both.
   */
  get leadership(): { holder: string; stager: boolean; scheduler: boolean } {
    return { holder: this.duties.holder, stager: this.duties.maintains, scheduler: this.duties.schedules };
  }

  /** One schedule runner per engine, shared by its workers; null when the store has no schedules. */
  private get scheduleRunner(): ScheduleRunner | null {
    if (!this.store.capabilities.schedules) return null;
    this.runner ??= new ScheduleRunner(scheduleStore(this.store), this.clock, this.events);
    return this.runner;
  }

  /** Register a handler by name, or job definitions made with `defineJob`. */
  register<Payload = unknown, Result = unknown>(name: string, handler: JobHandler<Payload, Result>, defaults?: EnqueueOptions): this;
  register(...definitions: JobDefinition[]): this;
  register(first: string | JobDefinition, ...rest: unknown[]): this {
    if (typeof first === 'string') {
      this.registry.register(defineJob(first, rest[0] as JobHandler, (rest[1] as EnqueueOptions | undefined) ?? {}) as JobDefinition);
      return this;
    }
    for (const definition of [first, ...rest]) {
      if (!isJobDefinition(definition)) throw new ValidationError(`expected a job definition from defineJob(), got ${describeValue(definition)}`);
      this.registry.register(definition);
    }
    return this;
  }

  handlerNames(): string[] {
    return this.registry.names();
  }

  /** The registered definition of a job or workflow name, if any. */
  getDefinition(name: string): JobDefinition | undefined {
    return this.registry.get(name);
  }

  on<K extends EngineEventName>(name: K, listener: (event: EngineEvents[K]) => void): () => void {
    return this.events.on(name, listener);
  }

  async migrate(): Promise<void> {
    await this.store.migrate();
  }

  async enqueue<Payload = unknown>(name: string, payload?: Payload, options?: EnqueueOptions): Promise<EnqueueResult> {
    const [result] = await this.enqueueMany([{ name, payload, options }]);
    return result as EnqueueResult;
  }

  /** Enqueue many jobs in one store round trip (one transaction). Results come back in order. */
  enqueueMany(items: readonly EnqueueItem[]): Promise<EnqueueResult[]> {
    return this.enqueueOn(this.store, items);
  }

  /**
   * Enqueue through another handle on this engine's store, with this engine's handler defaults
   * and events. With PostgreSQL, `store.withClient(client)` binds to your own transaction, so the
   * jobs exist exactly when your data does:
   *
   * ```ts
   * await client.query('BEGIN');
   * await client.query('INSERT INTO orders ...');
   * await tw.withStore(pgStore.withClient(client)).enqueue('order.confirm', { orderId });
   * await client.query('COMMIT'); // the job appears (and workers wake) only now
   * ```
   */
  withStore(store: Store): { enqueue: Taskwright['enqueue']; enqueueMany: Taskwright['enqueueMany'] } {
    if (typeof store?.enqueue !== 'function') throw new ValidationError(`expected a Taskwright store, got ${describeValue(store)}`);
    const enqueueMany = (items: readonly EnqueueItem[]) => this.enqueueOn(store, items);
    return {
      enqueueMany,
      enqueue: async (name, payload, options) => (await enqueueMany([{ name, payload, options }]))[0] as EnqueueResult,
    };
  }

  private async enqueueOn(store: Store, items: readonly EnqueueItem[]): Promise<EnqueueResult[]> {
    if (!Array.isArray(items)) throw new ValidationError(`expected an array of jobs, got ${describeValue(items)}`);
    const now = this.clock.now();
    const jobs = items.map((item, index) => {
      if (typeof item !== 'object' || item === null) throw new ValidationError(`expected job ${index} to be { name, payload, options }, got ${describeValue(item)}`);
      const defaults = this.registry.get(item.name)?.defaults;
      const options = defaults ? { ...defaults, ...item.options } : item.options;
      return compileJobOptions(item.name, item.payload, options, now, this.agingStepMs);
    });
    // The enqueuer's span (an HTTP request, a parent job) becomes the parent of the job's attempts.
    const traceParent = activeTraceParent();
    if (traceParent) for (const job of jobs) job.traceParent = traceParent;
    checkFlowSupport(store, jobs);
    const results = await store.enqueue(jobs, now);
    if (this.events.has('job:enqueued')) {
      results.forEach((r, i) => {
        const job = jobs[i]!;
        this.events.emit('job:enqueued', { jobId: r.id, name: job.name, queue: job.queue, state: r.state, deduplicated: r.deduplicated });
      });
    }
    return results;
  }

  /** Create a worker pool for this engine's handlers. Call `start()` on it. */
  worker(options: WorkerOptions = {}): Worker {
    const compiled = compileWorkerOptions(options);
    const worker = new Worker(
      {
        store: this.store,
        registry: this.registry,
        clock: this.clock,
        events: this.events,
        checkpointThresholdBytes: this.checkpointThresholdBytes,
        discardCompleted: this.retention.completedMs === 0,
        maintenance: (now) => this.maintenance.run(now),
        scheduler: this.scheduleRunner,
        endTools: this.endTools,
        duties: this.duties,
      },
      compiled,
    );
    this.workers.add(worker);
    this.events.on('worker:stopped', ({ workerId }) => {
      if (workerId === worker.id) this.workers.delete(worker);
    });
    return worker;
  }

  /**
   * Run a worker until nothing is queued or running and no scheduled job (a retry, a snooze, a
   * workflow sleep) falls due before the timeout, then stop it. Uses the same execution path as
   * production workers. Returns how many attempts finished.
   */
  async drain(options: DrainOptions = {}): Promise<{ settled: number }> {
    const { timeout, ...workerOptions } = options;
    const timeoutMs = parseDuration(timeout ?? '30s', 'timeout');
    return drainWith(this.worker({ pollInterval: 20, ...workerOptions }), this, timeoutMs);
  }

  async getJob(id: string): Promise<Job> {
    const job = await this.store.getJob(String(id));
    if (!job) throw new NotFoundError(`no job with id ${JSON.stringify(id)}`, { jobId: id });
    return job;
  }

  /** The job with its logs, transition history and (for workflow runs) recorded steps. */
  async getJobDetails(id: string): Promise<JobDetails & { steps: StepRecord[] }> {
    const details = await this.store.getJobDetails(String(id));
    if (!details) throw new NotFoundError(`no job with id ${JSON.stringify(id)}`, { jobId: id });
    // the journal's checkpoint record is shown as `job.checkpointToken`, not as a step
    const steps = (await this.store.listSteps(String(id))).filter((s) => s.stepId !== CHECKPOINT_STEP_ID).map(expandStep);
    return { ...details, steps };
  }

  async listJobs(filter: JobFilter = {}): Promise<Job[]> {
    for (const field of ['queue', 'name', 'tag', 'before'] as const) rejectNul(field, filter?.[field]);
    return this.store.listJobs(filter);
  }

  /** Cancel a job: a waiting job never starts; a running one sees `ctx.signal` abort and ends cancelled. */
  async cancel(id: string): Promise<Job> {
    const { job, requested } = await this.store.cancel(String(id), this.clock.now());
    // A waiting job ends here and now (a running one ends in its worker, which runs the hooks).
    const ended = requested ? null : endedFromJob(job, 'cancel');
    if (!requested) this.events.emit('job:cancelled', { jobId: job.id, name: job.name, queue: job.queue, attempt: job.attempt });
    if (ended) await runEndHooks(ended, this.endTools, (error) => this.events.emit('worker:error', { workerId: 'control', error, during: 'end hook' }));
    return job;
  }

  /** Run a failed, dead or cancelled job again from its first attempt. */
  retry(id: string): Promise<Job> {
    return this.store.retry(String(id), this.clock.now());
  }

  /** Move dead-letter jobs back to the queue: the given ids, or all of them. */
  redrive(ids: readonly string[] | 'all'): Promise<string[]> {
    return this.store.redrive(ids, this.clock.now());
  }

  listDeadLetters(limit = 100): Promise<Job[]> {
    return this.store.listJobs({ state: 'dead', limit });
  }

  stats(): Promise<QueueStats[]> {
    return this.store.stats(this.clock.now());
  }

  /** Per job/workflow name: counts by state, mean duration of completed runs, reported tokens and cost. */
  async statsByName(filter: { tag?: string } = {}): Promise<NameStats[]> {
    rejectNul('tag', filter?.tag);
    return this.store.statsByName(filter);
  }

  checkpointStats(): Promise<CheckpointStats> {
    return this.store.checkpointStats();
  }

  /**
   * Send an event: runs waiting for it (`step.waitForEvent`) wake, and every trigger of its name
   * whose match holds starts its job or run, in one store transaction with the event. With
   * `options.id` (the event's own id) the send is idempotent across processes: a second send of
   * that id changes nothing and answers with the first one's outcome.
   */
  async sendEvent(name: string, data: unknown = null, options: SendEventOptions = {}): Promise<SendEventResult> {
    if (this.store.capabilities.triggers) return this.triggers.publish(name, data, options);
    if (typeof name !== 'string' || !/^[\w.:/-]{1,200}$/.test(name)) {
      throw new ValidationError(`expected event name to be 1 to 200 letters, digits or _ . : / -, got ${describeValue(name)}`);
    }
    const dataJson = eventDataJson(data);
    // an id promises idempotency, which only a store with triggers keeps
    if (options?.id !== undefined) triggerStore(this.store);
    const { event, woken } = await this.store.sendEvent(name, dataJson, this.clock.now());
    return { eventId: event.id, key: null, deduplicated: false, woken, started: [] };
  }

  // --- event triggers (capability `triggers`)

  /**
   * Create a trigger: every event of `input.event` whose data matches `input.match` starts the
   * job (or workflow run), with a payload mapped from the event, once per event id:
   *
   * ```ts
   * await tw.createTrigger('paid-to-invoice', { event: 'order.paid', match: { currency: { $in: ['EUR', 'USD'] } }, workflow: 'invoice', payload: { orderId: '$.data.id' } });
   * await tw.sendEvent('order.paid', { id: 'o-1', currency: 'EUR' }, { id: 'evt-778' }); // starts one run, even if sent twice
   * ```
   *
   * With `webhook: { secret }` the trigger also answers `POST /api/hooks/:id` (see docs/triggers-and-webhooks.md).
   */
  createTrigger(id: string, input: TriggerInput, options: { replace?: boolean; paused?: boolean } = {}): Promise<TriggerView> {
    return this.triggers.create(id, input, options);
  }

  /** Stop starting jobs until resumed (events sent meanwhile do not start it later). */
  pauseTrigger(id: string): Promise<TriggerView> {
    return this.triggers.setPaused(id, true);
  }

  resumeTrigger(id: string): Promise<TriggerView> {
    return this.triggers.setPaused(id, false);
  }

  /** Delete a trigger and its fire history; jobs it started are kept. */
  deleteTrigger(id: string): Promise<void> {
    return this.triggers.delete(id);
  }

  /** A trigger with the jobs it started, newest first. */
  getTrigger(id: string, historyLimit = 50): Promise<{ trigger: TriggerView; fires: TriggerFire[] }> {
    return this.triggers.get(id, historyLimit);
  }

  listTriggers(): Promise<TriggerView[]> {
    return this.triggers.list();
  }

  /** @internal The trigger service, for the webhook route (it needs the stored secret). */
  get triggerService(): TriggerService {
    return this.triggers;
  }

  // --- flow control: limits, queues, breakers, workers (enforced by the store across processes)

  /**
   * Set the limit of a key: at most `concurrency` of its jobs running at once and/or at most
   * `rate` starts per interval (`'10/1s'` or `{ count: 10, per: '1s' }`), across every worker.
   * Jobs count against a key through `concurrencyKey` / `rateKey`; the key `queue:NAME` limits a
   * whole queue. Jobs over a limit wait queued; they do not fail or spend an attempt.
   */
  setLimit(key: string, limit: LimitInput): Promise<FlowLimit> {
    return this.flow.setLimit(key, limit);
  }

  /** Remove a key's limit (NotFoundError when it has none). */
  deleteLimit(key: string): Promise<void> {
    return this.flow.deleteLimit(key);
  }

  listLimits(): Promise<FlowLimit[]> {
    return this.flow.listLimits();
  }

  /** Stop every worker from starting jobs of this queue until `resumeQueue`; running jobs finish. */
  pauseQueue(queue: string): Promise<void> {
    return this.flow.pauseQueue(queue);
  }

  resumeQueue(queue: string): Promise<void> {
    return this.flow.resumeQueue(queue);
  }

  /** Every queue with its counts per state and whether it is paused. */
  listQueues(): Promise<QueueInfo[]> {
    return this.flow.listQueues();
  }

  /**
   * Configure the circuit breaker of a key (jobs join it with `breakerKey`): open after `failures`
   * consecutive failures (default 5) or an `errorRate` over `window` once it saw `minCalls`; stay
   * open `cooldown` (default 30s), then let one probe through. Unconfigured keys use the defaults.
   */
  configureBreaker(key: string, options: BreakerInput): Promise<void> {
    return this.flow.configureBreaker(key, options);
  }

  /** Close a breaker now and clear its counters (NotFoundError for a key never seen). */
  resetBreaker(key: string): Promise<void> {
    return this.flow.resetBreaker(key);
  }

  /** Breakers with their state, counters and last change. */
  listBreakers(): Promise<Breaker[]> {
    return this.flow.listBreakers();
  }

  /** Registered workers of every process on this store, with their last heartbeat. */
  listWorkers(): Promise<WorkerRecord[]> {
    return this.flow.listWorkers();
  }

  /**
   * Who holds the elected roles (stager, scheduler) on a store that elects leaders, with their
   * lease; empty on a store without leader election (there every engine runs those duties).
   */
  listLeaders(): Promise<LeaderRecord[]> {
    return this.flow.listLeaders();
  }

  /** Rescue expired leases now (workers also do this on their own). */
  rescueExpired(): Promise<number> {
    return this.maintenance.rescue(this.clock.now());
  }

  /** Delete finished jobs past retention now (workers also do this every minute). */
  prune(): Promise<number> {
    return this.maintenance.prune(this.clock.now());
  }

  /**
   * Copy this engine's events into the store's event feed (when the store has one), so a server
   * in another process can stream them to WebSocket clients. Events are appended in batches, off
   * the claim/settle path. Returns false when the store has no feed.
   */
  publishEvents(options: FeedPublisherOptions = {}): boolean {
    if (!this.store.capabilities.eventFeed || !this.store.appendFeed) return false;
    this.feedPublisher ??= new EventFeedPublisher(this.store, this.events, this.clock, this.instanceId, options);
    this.feedPublisher.start();
    return true;
  }

  // --- schedules

  /**
   * Create a schedule that enqueues a job (or starts a workflow run) on a cron expression in a
   * time zone, every fixed interval, or once:
   *
   * ```ts
   * await tw.createSchedule('nightly-report', { cron: '0 2 * * *', timezone: 'Europe/Berlin', job: 'report.build', payload: { kind: 'daily' } });
   * await tw.createSchedule('poll', { every: '15m', job: 'feed.poll', start: '2026-12-01T00:00:00Z', end: '2026-12-31T00:00:00Z', maxRuns: 100 });
   * await tw.createSchedule('launch', { at: '2026-12-24T18:00:00Z', workflow: 'launch.run', overlap: 'allow' });
   * ```
   *
   * `overlap` (skip, allow, queue-one) says what a due time does while the previous fired job is
   * unfinished; `catchUp` (none, latest, all within `catchUpWindow`) which due times missed while
   * no worker ran fire late. The leader engine's workers fire due schedules; each due time fires once. With
   * `replace: true` an existing schedule of this id gets the new definition (for code that
   * declares its schedules at every start).
   */
  createSchedule(id: string, input: ScheduleInput, options: { replace?: boolean; paused?: boolean } = {}): Promise<ScheduleRecord> {
    return this.schedules.create(id, input, options);
  }

  /** Change some fields of a schedule (same shape as create); run counts and history are kept. */
  updateSchedule(id: string, changes: ScheduleInput): Promise<ScheduleRecord> {
    return this.schedules.update(id, changes);
  }

  /** Stop firing until resumed. */
  pauseSchedule(id: string): Promise<ScheduleRecord> {
    return this.schedules.pause(id);
  }

  /** Fire again from the next due time after now (times passed while paused are not caught up). */
  resumeSchedule(id: string): Promise<ScheduleRecord> {
    return this.schedules.resume(id);
  }

  /** Enqueue the schedule's job now, outside its cadence (recorded in its history as `triggered`). */
  triggerSchedule(id: string): Promise<ScheduleFire> {
    return this.schedules.trigger(id);
  }

  /**
   * Fire the due times of a past range once each: every due time in `[from, to]` (by the
   * schedule's cron, interval or one-time timing, within its start and end) that has no job yet
   * gets one now, oldest first; due times that already fired are reported in `existing`. Running
   * it again adds nothing. Overlap, catch-up and max runs do not apply (as with a manual trigger).
   * At most 1000 due times per call; `dryRun` lists them without enqueueing.
   */
  backfillSchedule(id: string, range: BackfillInput): Promise<BackfillResult> {
    return this.schedules.backfill(id, range);
  }

  /** Delete a schedule and its history; jobs it already fired are kept. */
  deleteSchedule(id: string): Promise<void> {
    return this.schedules.delete(id);
  }

  /** A schedule (next and last fire, run count) with its history, newest first. */
  getSchedule(id: string, historyLimit = 50): Promise<{ schedule: ScheduleRecord; fires: ScheduleFire[] }> {
    return this.schedules.get(id, historyLimit);
  }

  listSchedules(): Promise<ScheduleRecord[]> {
    return this.schedules.list();
  }

  /** Fire every schedule due now (workers do this on their own; useful with a test clock). */
  async fireDueSchedules(): Promise<ScheduleFire[]> {
    const runner = this.scheduleRunner;
    if (!runner) scheduleStore(this.store); // throws: this store has no schedules
    return (runner as ScheduleRunner).fireDue(this.clock.now());
  }

  // --- timers

  /**
   * Pending stored timers, soonest first: delayed jobs, retry backoffs, snoozes, workflow sleeps
   * and event waits, running attempts' timeouts, schedules' next due times.
   */
  listTimers(filter: TimerFilter = {}): Promise<Timer[]> {
    return this.timers.list(filter);
  }

  /** How many timers are pending and when the next one fires. */
  timerStats(): Promise<TimerStats> {
    return this.timers.stats();
  }

  /** Cancel what a timer would do: `job:ID` cancels the waiting job, `schedule:ID` skips that due time. */
  cancelTimer(id: string): Promise<{ timer: string; result: string }> {
    return this.timers.cancel(id);
  }

  /** End attempts past their stored timeout whose worker did not (workers also do this on their own). */
  fireStoredTimeouts(): Promise<number> {
    return this.maintenance.fireTimeouts(this.clock.now());
  }

  /** Stop every worker of this engine and close the store. */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop()));
    await this.feedPublisher?.stop();
    await this.store.close();
  }
}
