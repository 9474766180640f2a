import type { Clock } from '../core/clock.js';
import type { EnqueueResult, JobLogEntry } from '../core/job.js';
import { compileJobOptions, type EnqueueOptions } from '../core/options.js';
import { ValidationError } from '../core/errors.js';
import type { SqlQueryOptions, SqlQueryResult } from '../store/store.js';
import type { Store } from '../store/store.js';
import type { ClaimedJob, Outcome } from '../store/types.js';
import type { EngineEventBus, EngineEvents } from '../telemetry/events.js';
import { activeTraceParent } from '../telemetry/trace-context.js';
import { runInAttemptContext } from '../telemetry/tracing.js';
import { checkpointRecord } from '../store/journal.js';
import { compressStep, decodeCheckpoint, encodeCheckpoint, expandStep } from './checkpoint-codec.js';
import { LeaseLostError, type JobContext, type WorkflowEventName } from './context.js';
import type { HandlerRegistry } from './handlers.js';
import { outcomeForError } from './outcome.js';

export interface ExecutorDeps {
  store: Store;
  registry: HandlerRegistry;
  clock: Clock;
  events: EngineEventBus;
  workerId: string;
  checkpointThresholdBytes: number;
  /** retention.completed is 0: completions tell the store it need not keep the job */
  discardCompleted: boolean;
}

/** One attempt in flight. `finish` is first-wins: a timeout or cancel settles it even if the handler never returns. */
export class ActiveJob {
  readonly deadline: number | null;
  // Created on first use: most handlers never look at their signal, and an AbortController per
  // job is a measurable share of the hot path.
  private controller: AbortController | null = null;
  /** why the attempt was aborted (timeout, cancel, shutdown, lost lease), or undefined */
  abortReason: unknown = undefined;
  done = false;
  /** the handler's return value, kept for the completion event */
  result: unknown;

  constructor(
    readonly claimed: ClaimedJob,
    readonly startedAt: number,
  ) {
    this.deadline = claimed.timeoutMs === null ? null : startedAt + claimed.timeoutMs;
  }

  get id(): string {
    return this.claimed.id;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}

class Context implements JobContext {
  readonly job: JobContext['job'];
  readonly resume: JobContext['resume'];
  private journalCache: JobContext['journal'] | null = null;

  constructor(
    private readonly active: ActiveJob,
    private readonly deps: ExecutorDeps,
    payload: unknown,
  ) {
    const c = active.claimed;
    this.job = { id: c.id, name: c.name, queue: c.queue, attempt: c.attempt, maxAttempts: c.maxAttempts, payload, createdAt: c.createdAt, tags: c.tags, budget: c.budget };
    this.resume = c.checkpoint ? decodeCheckpoint(c.checkpoint) : undefined;
  }

  /** Built on first use: plain jobs never touch the journal, workflow runs do. */
  get journal(): JobContext['journal'] {
    const c = this.active.claimed;
    const deps = this.deps;
    this.journalCache ??= {
      list: async () => (await deps.store.listSteps(c.id)).map(expandStep),
      listOf: async (jobId) => (await deps.store.listSteps(jobId)).map(expandStep),
      save: async (step) => {
        const stored = compressStep(step, deps.checkpointThresholdBytes);
        if (!(await deps.store.saveStep(c.id, deps.workerId, c.attempt, stored))) throw new LeaseLostError(c.id);
      },
      waitFor: async (stepId, event) => {
        if (!(await deps.store.waitForEvent(c.id, deps.workerId, c.attempt, stepId, event))) throw new LeaseLostError(c.id);
      },
      events: (event, since) => deps.store.listEvents(event, since, 1000),
    };
    return this.journalCache;
  }

  get signal(): AbortSignal {
    return this.active.signal;
  }

  private ref() {
    const c = this.active.claimed;
    return { jobId: c.id, name: c.name, queue: c.queue, attempt: c.attempt };
  }

  /** A checkpoint is a journal record: one write path with steps, handed to the next attempt by claim. */
  async checkpoint(token: string, data?: unknown): Promise<void> {
    const { store, clock, workerId, checkpointThresholdBytes, events } = this.deps;
    const stored = encodeCheckpoint(token, data, checkpointThresholdBytes);
    const ok = await store.saveStep(this.job.id, workerId, this.job.attempt, checkpointRecord(stored, this.job.attempt, clock.now()));
    if (!ok) throw new LeaseLostError(this.job.id);
    events.emit('job:checkpoint', { ...this.ref(), token, bytes: stored.data.byteLength, compressed: stored.encoding === 'gzip' });
  }

  async enqueue(name: string, payload?: unknown, options?: EnqueueOptions): Promise<EnqueueResult> {
    const { store, clock, registry } = this.deps;
    const now = clock.now();
    const defaults = registry.get(name)?.defaults;
    const job = compileJobOptions(name, payload, defaults ? { ...defaults, ...options } : options, now);
    // a child run or follow-up job joins the trace of the job that started it
    const traceParent = activeTraceParent() ?? this.active.claimed.traceParent ?? null;
    if (traceParent) job.traceParent = traceParent;
    const [result] = await store.enqueue([job], now);
    return result as EnqueueResult;
  }

  emit<K extends WorkflowEventName>(name: K, event: EngineEvents[K]): void {
    this.deps.events.emit(name, event);
  }

  async sql(query: string, params: readonly unknown[] | Record<string, unknown> = [], options: Partial<SqlQueryOptions> = {}): Promise<SqlQueryResult> {
    const store = this.deps.store;
    if (!store.capabilities.sqlQuery || !store.sqlQuery) throw new ValidationError(`the ${store.driver} store cannot run SQL queries (capabilities.sqlQuery is off)`);
    return store.sqlQuery(query, params, { readOnly: options.readOnly ?? true, maxRows: options.maxRows ?? 1000 });
  }

  async sendEvent(name: string, data: unknown = null): Promise<void> {
    await this.deps.store.sendEvent(name, JSON.stringify(data) ?? 'null', this.deps.clock.now());
  }

  async progress(value: unknown): Promise<void> {
    const { store, clock, workerId, events } = this.deps;
    const ok = await store.saveProgress(this.job.id, workerId, this.job.attempt, JSON.stringify(value ?? null), clock.now());
    if (!ok) throw new LeaseLostError(this.job.id);
    events.emit('job:progress', { ...this.ref(), progress: value });
  }

  async log(message: string, fields?: Record<string, unknown>, level: JobLogEntry['level'] = 'info', stepId?: string): Promise<void> {
    const entry: JobLogEntry = { jobId: this.job.id, attempt: this.job.attempt, at: this.deps.clock.now(), level, message: String(message), fields, ...(stepId && { stepId }) };
    await this.deps.store.appendLogs([entry]);
    this.deps.events.emit('job:log', entry);
  }
}

/**
 * Runs one claimed job's handler and reports its outcome through `finish`. This is the single
 * execution path: workers, `drain()` and the test helpers all go through it.
 */
export function executeJob(active: ActiveJob, deps: ExecutorDeps, finish: (active: ActiveJob, outcome: Outcome) => void): void {
  const claimed = active.claimed;
  const definition = deps.registry.get(claimed.name);
  const fail = (error: unknown): void => {
    if (!active.done) finish(active, outcomeForError(claimed, error, deps.clock.now()));
  };
  if (!definition) {
    fail(new Error(`no handler registered for job name ${JSON.stringify(claimed.name)} on worker ${deps.workerId}`));
    return;
  }
  let pending: unknown;
  try {
    const payload = JSON.parse(claimed.payloadJson) as unknown;
    pending = runInAttemptContext(deps.workerId, claimed.id, () => definition.handler(payload, new Context(active, deps, payload)));
  } catch (error) {
    fail(error);
    return;
  }
  const succeed = (result: unknown): void => {
    if (active.done) return;
    active.result = result;
    const resultJson = result === undefined ? null : JSON.stringify(result);
    finish(active, { type: 'completed', resultJson: resultJson ?? null, ...(deps.discardCompleted && { discard: true }) });
  };
  if (pending instanceof Promise) pending.then(succeed, fail);
  else succeed(pending);
}
