import { systemClock, type Clock } from '../core/clock.js';
import { parseDuration, type Duration } from '../core/duration.js';
import { NotFoundError, ValidationError, describeValue } from '../core/errors.js';
import type { EnqueueResult, Job } from '../core/job.js';
import { compileJobOptions, type EnqueueOptions } from '../core/options.js';
import type { Store } from '../store/store.js';
import type { CheckpointStats, JobDetails, JobFilter, NameStats, QueueStats, StepRecord } from '../store/types.js';
import { EngineEventBus, type EngineEventName, type EngineEvents } from '../telemetry/events.js';
import { DEFAULT_COMPRESSION_THRESHOLD } from './checkpoint-codec.js';
import { defineJob, HandlerRegistry, isJobDefinition, type JobDefinition, type JobHandler } from './handlers.js';
import { createMaintenance, DEFAULT_RETENTION, type RetentionPolicy } from './maintenance.js';
import { compileWorkerOptions, type WorkerOptions } from './worker-options.js';
import { Worker } from './worker.js';

export interface TaskwrightOptions {
  store: Store;
  clock?: Clock;
  /** how long finished jobs, their results and logs are kept. Defaults: completed 7d, failed 30d. */
  retention?: { completed?: Duration; failed?: Duration };
  /** checkpoint data larger than this (bytes of JSON) is compressed. Default 16 KiB. */
  checkpointCompressionThreshold?: number;
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
  private readonly registry = new HandlerRegistry();
  private readonly workers = new Set<Worker>();
  private readonly retention: RetentionPolicy;
  private readonly checkpointThresholdBytes: number;
  private readonly maintenance: ReturnType<typeof createMaintenance>;

  constructor(options: TaskwrightOptions) {
    if (!options || typeof options.store?.claim !== 'function') {
      throw new ValidationError(`expected options.store to be a Taskwright store, got ${describeValue(options?.store)}`);
    }
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.retention = {
      completedMs: options.retention?.completed === undefined ? DEFAULT_RETENTION.completedMs : parseDuration(options.retention.completed, 'retention.completed'),
      failedMs: options.retention?.failed === undefined ? DEFAULT_RETENTION.failedMs : parseDuration(options.retention.failed, 'retention.failed'),
    };
    const threshold = options.checkpointCompressionThreshold ?? DEFAULT_COMPRESSION_THRESHOLD;
    if (!Number.isInteger(threshold) || threshold < 0) {
      throw new ValidationError(`expected checkpointCompressionThreshold to be a non-negative integer, got ${describeValue(threshold)}`);
    }
    this.checkpointThresholdBytes = threshold;
    this.maintenance = createMaintenance(this.store, this.events, this.clock, this.retention);
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
  async enqueueMany(items: readonly EnqueueItem[]): Promise<EnqueueResult[]> {
    if (!Array.isArray(items)) throw new ValidationError(`expected an array of jobs, got ${describeValue(items)}`);
    const now = this.clock.now();
    const jobs = items.map((item, index) => {
      if (typeof item !== 'object' || item === null) throw new ValidationError(`expected job ${index} to be { name, payload, options }, got ${describeValue(item)}`);
      const defaults = this.registry.get(item.name)?.defaults;
      const options = defaults ? { ...defaults, ...item.options } : item.options;
      return compileJobOptions(item.name, item.payload, options, now);
    });
    const results = await this.store.enqueue(jobs, now);
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
        maintenance: (now) => this.maintenance.run(now),
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
    const worker = this.worker({ pollInterval: 20, ...workerOptions });
    let settled = 0;
    const count = () => settled++;
    const offs = (['job:completed', 'job:retrying', 'job:failed', 'job:cancelled', 'job:snoozed'] as const).map((e) => this.events.on(e, count));
    await worker.start();
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        // running in the store too: an outcome may be finished here but not yet written
        const runnable =
          (await this.store.listJobs({ state: 'queued', limit: 1 })).length +
          (await this.store.listJobs({ state: 'running', limit: 1 })).length +
          worker.running;
        const dueBeforeDeadline = (await this.store.stats(this.clock.now())).some((q) => q.counts.scheduled > 0)
          ? (await this.store.listJobs({ state: 'scheduled', limit: 1000 })).some((j) => j.runAt <= this.clock.now() + (deadline - Date.now()))
          : false;
        if (runnable === 0 && !dueBeforeDeadline) break;
        if (Date.now() > deadline) throw new ValidationError(`drain did not finish within ${timeoutMs}ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      offs.forEach((off) => off());
      await worker.stop(0);
    }
    return { settled };
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
    return { ...details, steps: await this.store.listSteps(String(id)) };
  }

  listJobs(filter: JobFilter = {}): Promise<Job[]> {
    return this.store.listJobs(filter);
  }

  /** Cancel a job: a waiting job never starts; a running one sees `ctx.signal` abort and ends cancelled. */
  async cancel(id: string): Promise<Job> {
    return (await this.store.cancel(String(id), this.clock.now())).job;
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
  statsByName(filter: { tag?: string } = {}): Promise<NameStats[]> {
    return this.store.statsByName(filter);
  }

  checkpointStats(): Promise<CheckpointStats> {
    return this.store.checkpointStats();
  }

  /** Send an event to workflow runs waiting for it (`step.waitForEvent`). */
  async sendEvent(name: string, data: unknown = null): Promise<{ eventId: string; woken: number }> {
    if (typeof name !== 'string' || !/^[\w.:/-]{1,200}$/.test(name)) {
      throw new ValidationError(`expected event name to be 1 to 200 letters, digits or _ . : / -, got ${describeValue(name)}`);
    }
    let dataJson: string | undefined;
    try {
      dataJson = JSON.stringify(data);
    } catch {
      dataJson = undefined;
    }
    if (dataJson === undefined) throw new ValidationError(`expected event data to be JSON-serializable, got ${describeValue(data)}`);
    const { event, woken } = await this.store.sendEvent(name, dataJson, this.clock.now());
    return { eventId: event.id, woken };
  }

  /** Rescue expired leases now (workers also do this on their own). */
  rescueExpired(): Promise<number> {
    return this.maintenance.rescue(this.clock.now());
  }

  /** Delete finished jobs past retention now (workers also do this every minute). */
  prune(): Promise<number> {
    return this.maintenance.prune(this.clock.now());
  }

  /** Stop every worker of this engine and close the store. */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop()));
    await this.store.close();
  }
}
