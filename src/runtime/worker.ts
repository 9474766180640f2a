import type { Clock } from '../core/clock.js';
import { ShutdownError, ValidationError, describeValue } from '../core/errors.js';
import type { BreakerChange } from '../core/flow.js';
import { newWorkerId } from '../core/ids.js';
import type { Store } from '../store/store.js';
import type { ClaimedJob, ClaimRequest, Outcome, SettleResult, Settlement, WorkerState as RegistryState } from '../store/types.js';
import type { EngineEventBus } from '../telemetry/events.js';
import { Autoscaler } from './autoscaler.js';
import { ActiveJob, executeJob, type ExecutorDeps } from './executor.js';
import type { HandlerRegistry } from './handlers.js';
import { LeaseKeeper } from './heartbeat.js';
import { endedFromAttempt, isEndState, runEndHooks, type EndHookTools } from './end-hooks.js';
import { Settler } from './settler.js';
import { PipelinedFeed, type FeedHost } from './worker-feed.js';
import { EmbeddedFeed, type EmbeddedFeedHost } from './worker-feed-embedded.js';
import { reportOutcome } from './report-outcome.js';
import type { ScheduleRunner } from './scheduler.js';
import type { CompiledWorkerOptions } from './worker-options.js';
import type { WorkerDuties } from './leader-duties.js';
import { defaultPrefetchCap, unwrittenBound } from './worker-prefetch.js';
import { workerRecord } from './worker-record.js';
import { abortCancelled, abortLeaseLost, abortTimedOut, endSupersededAttempt, stopOnSignals, type Abort } from './worker-supervision.js';

export interface WorkerDeps {
  store: Store;
  registry: HandlerRegistry;
  clock: Clock;
  events: EngineEventBus;
  checkpointThresholdBytes: number;
  /** retention.completed is 0 (see ExecutorDeps) */
  discardCompleted: boolean;
  /** called on the worker's maintenance tick (lease rescue, stored timeouts, pruning) */
  maintenance: (now: number) => Promise<void>;
  /** fires due schedules; null when the store has none or the worker was told not to */
  scheduler: ScheduleRunner | null;
  /** what the end hooks (see end-hooks.ts) are given */
  endTools: EndHookTools;
  /** the engine's leader roles: only the leader runs maintenance and fires schedules */
  duties: WorkerDuties;
}

type WorkerState = 'idle' | 'running' | 'stopping' | 'stopped';
const TICK_MS = 100;
/** Networked stores: outcome writes in flight at once (on separate pooled connections). */
const NETWORKED_WRITES = 4;

/**
 * A pool of up to `concurrency` handlers fed from the store. Claims are batched and woken by the
 * store (no fixed sleep between polls); outcomes are batched by the Settler; one tick timer per
 * worker handles timeouts, cancel requests, lease checks and maintenance.
 */
export class Worker {
  readonly id = newWorkerId();
  private state: WorkerState = 'idle';
  private readonly active = new Map<string, ActiveJob>();
  private readonly settler: Settler;
  private readonly leaseKeeper: LeaseKeeper;
  private readonly executor: ExecutorDeps;
  /** networked stores: claims and outcome writes overlap, and jobs are claimed ahead; embedded: see EmbeddedFeed */
  private readonly feed: PipelinedFeed | EmbeddedFeed;
  private idleTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private unsubscribeWake: (() => void) | null = null;
  private stopPromise: Promise<void> | null = null;
  private lastCancelPoll = 0;
  private lastOwnershipCheck = 0;
  private lastMaintenance = 0;
  private tickBusy = false;
  private removeSignalHandlers = (): void => undefined;
  /** handlers allowed at once: starts at options.concurrency, moved by scale() and the autoscaler */
  private limit: number;
  private readonly autoscaler: Autoscaler | null;
  private readonly startedAt: number;
  /** end hooks still running; shutdown waits for them before the store may close */
  private readonly hooksInFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: WorkerDeps,
    readonly options: CompiledWorkerOptions,
  ) {
    const onError = (during: string) => (error: Error) => deps.events.emit('worker:error', { workerId: this.id, error, during });
    const pipelined = !deps.store.capabilities.embedded;
    this.settler = new Settler((batch) => this.writeOutcomes(batch), onError('settle'), () => this.refill(), pipelined ? NETWORKED_WRITES : 1);
    this.leaseKeeper = new LeaseKeeper({
      store: deps.store,
      clock: deps.clock,
      workerId: this.id,
      leaseMs: options.leaseMs,
      heartbeatMs: options.heartbeatMs,
      onError: onError('heartbeat'),
    });
    this.executor = { ...deps, workerId: this.id };
    this.limit = options.concurrency;
    this.autoscaler = options.autoscale ? new Autoscaler(options.autoscale, deps.clock) : null;
    this.startedAt = deps.clock.now();
    this.feed = pipelined ? new PipelinedFeed(this.feedHost(), this.startedAt) : new EmbeddedFeed(this.embeddedFeedHost());
  }

  private get claiming(): boolean {
    return this.feed.claiming;
  }

  get running(): number {
    return this.active.size;
  }

  /**
   * Nothing in hand: no handler running, no claim in flight, no outcome waiting to be written, and
   * no end hook still at work (a failed child run telling its parked parent, which makes it due).
   */
  get isIdle(): boolean {
    return this.active.size === 0 && !this.claiming && !this.feed.buffered && this.settler.size === 0 && this.hooksInFlight.size === 0;
  }

  /** Handlers allowed to run at once right now (moved by `scale` and autoscaling). */
  get concurrency(): number {
    return this.limit;
  }

  /**
   * Set the pool's concurrency. Running jobs above a lower limit finish; no new ones start until
   * the pool is under it. With autoscaling the value must lie within its bounds, and the autoscaler
   * continues from it after its cooldown.
   */
  scale(concurrency: number): void {
    const bounds = this.options.autoscale ?? { min: 1, max: 10_000 };
    if (!Number.isInteger(concurrency) || concurrency < bounds.min || concurrency > bounds.max) {
      throw new ValidationError(`expected concurrency to be an integer from ${bounds.min} to ${bounds.max}, got ${describeValue(concurrency)}`);
    }
    this.autoscaler?.noteChange();
    this.applyScale(concurrency, 'manual', null, null);
  }

  private applyScale(to: number, reason: string, utilization: number | null, queued: number | null): void {
    const from = this.limit;
    if (to === from) return;
    this.limit = to;
    this.deps.events.emit('worker:scaled', { workerId: this.id, from, to, reason, utilization, queued });
    // a worker not started yet has no record; a stopped one keeps its last
    if (this.state === 'running' || this.state === 'stopping') void this.register(this.state);
    this.pump();
  }

  /** Saves this worker's registry record (when the store keeps a registry). */
  private async register(state: RegistryState): Promise<void> {
    const store = this.deps.store;
    if (!store.capabilities.workerRegistry || !store.saveWorker) return;
    const now = this.deps.clock.now();
    try {
      await store.saveWorker(workerRecord({ id: this.id, options: this.options, concurrency: this.limit, state, startedAt: this.startedAt, running: this.active.size }, now));
    } catch (error) {
      this.deps.events.emit('worker:error', { workerId: this.id, error: error as Error, during: 'register' });
    }
  }

  private claimRequest(limit: number, now: number): ClaimRequest {
    const request: ClaimRequest = { workerId: this.id, queues: this.options.queues, limit, leaseMs: this.options.leaseMs, now };
    if (this.options.tags.length) request.workerTags = this.options.tags;
    return request;
  }

  private reportBreakers(changes: BreakerChange[] | undefined): void {
    if (!changes) return;
    for (const change of changes) this.deps.events.emit('breaker:changed', change);
  }

  /** This worker may fire schedules (when its engine leads the scheduler role). */
  private get firesSchedules(): boolean {
    return this.options.schedules && this.deps.scheduler !== null;
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  async start(): Promise<this> {
    if (this.state !== 'idle') return this;
    await this.deps.store.migrate();
    await this.register('running');
    await this.leaseKeeper.start();
    await this.deps.duties.join(this.firesSchedules);
    this.state = 'running';
    const scheduler = this.firesSchedules ? this.deps.scheduler : null;
    this.unsubscribeWake = this.deps.store.onWake(
      scheduler
        ? () => {
            scheduler.wake();
            this.pump();
          }
        : this.pump,
    );
    this.tickTimer = setInterval(() => void this.tick(), TICK_MS);
    if (this.options.handleSignals) this.removeSignalHandlers = stopOnSignals(() => void this.stop());
    this.deps.events.emit('worker:started', { workerId: this.id, queues: this.options.queues, concurrency: this.limit });
    this.pump();
    return this;
  }

  /** Stop claiming, give running jobs `graceMs` to finish, then abort and release the rest. */
  stop(graceMs = this.options.graceMs): Promise<void> {
    this.stopPromise ??= this.shutdown(graceMs);
    return this.stopPromise;
  }

  private async shutdown(graceMs: number): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.deps.events.emit('worker:stopping', { workerId: this.id, running: this.active.size });
    await this.register('stopping');
    this.unsubscribeWake?.();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const deadline = Date.now() + graceMs;
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, Math.min(20, graceMs)));
    for (const active of [...this.active.values()]) this.abort(active, new ShutdownError(), { type: 'released' });
    while (this.claiming) await new Promise((r) => setTimeout(r, 5));
    for (const job of this.feed.takeAll()) this.releaseUnstarted(job);
    await this.settler.drain();
    await Promise.all([...this.hooksInFlight]);
    if (this.tickTimer) clearInterval(this.tickTimer);
    await this.deps.duties.leave(this.firesSchedules);
    await this.leaseKeeper.stop();
    this.removeSignalHandlers();
    await this.register('stopped');
    this.state = 'stopped';
    this.deps.events.emit('worker:stopped', { workerId: this.id });
  }

  /**
   * How the pipelined feed sees this worker. Unwritten outcomes do not hold slots there; they are
   * bounded on their own: starts pause while more than max(2 × concurrency, 1000) wait to be written.
   */
  private feedHost(): FeedHost {
    const clock = this.deps.clock;
    return {
      isRunning: () => this.state === 'running',
      startable: () => (this.settler.size < unwrittenBound(this.limit) ? this.limit - this.active.size : 0),
      freeSlots: () => this.limit - this.active.size,
      prefetchCap: () => this.options.prefetch ?? defaultPrefetchCap(this.limit),
      minRefill: () => Math.max(1, this.limit / 4),
      start: (job, now) => this.startJob(job, now),
      maxBufferedMs: () => this.options.leaseMs - this.options.heartbeatMs,
      release: (job) => this.releaseUnstarted(job),
      claim: (limit, now) => this.deps.store.claim(this.claimRequest(limit, now)),
      breakers: (changes) => this.reportBreakers(changes),
      idle: (nextDueAt) => this.armIdleTimer(nextDueAt),
      failed: (error) => this.deps.events.emit('worker:error', { workerId: this.id, error, during: 'claim' }),
      now: () => clock.now(),
    };
  }

  private embeddedFeedHost(): EmbeddedFeedHost {
    return {
      ...this.feedHost(),
      store: this.deps.store,
      freeCountingOutcomes: () => this.limit - this.active.size - this.settler.size,
      freeBesideBatch: () => this.limit - this.active.size - this.settler.queuedSize,
      request: (limit, now) => this.claimRequest(limit, now),
    };
  }

  /** Claim as many jobs as there are free slots (woken, on the timer, ...). Safe to call at any time; calls coalesce. */
  readonly pump = (): void => {
    if (this.state !== 'running') return;
    this.feed.pump();
  };

  /** After outcomes were written or a slot freed: like pump, but a drained queue waits for a wake-up. */
  private refill(): void {
    if (this.state !== 'running') return;
    this.feed.refill();
  }

  /** A freed slot starts its next buffered job in this turn's immediate phase (coalesced). */
  private pumpScheduled = false;
  private pumpSoon(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.refill();
    });
  }

  /**
   * A claimed job that will not start here (claimed ahead, then the worker stopped or the job waited
   * too long) goes back to the queue, its attempt not counted; fenced, so a no-op if no longer ours.
   */
  private releaseUnstarted(job: ClaimedJob): void {
    this.settler.add({ settlement: { id: job.id, workerId: this.id, attempt: job.attempt, outcome: { type: 'released' } }, onSettled: () => undefined });
  }

  /**
   * Persists finished outcomes. In the steady state it also claims the next batch in the same
   * store operation, so each round of work costs one transaction instead of two.
   */
  private async writeOutcomes(batch: Settlement[]): Promise<SettleResult> {
    const now = this.deps.clock.now();
    if (this.feed instanceof EmbeddedFeed) return this.feed.write(batch, now);
    const settled = await this.deps.store.settle(batch, now);
    this.reportBreakers(settled.breakerChanges);
    return settled;
  }

  private armIdleTimer(nextDueAt: number | null): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // a claim answered after stop() began must not leave a timer keeping the process alive
    if (this.state !== 'running') return;
    let wait = this.options.pollMs;
    if (nextDueAt !== null) wait = Math.max(0, Math.min(wait, nextDueAt - this.deps.clock.now()));
    this.idleTimer = setTimeout(this.pump, wait);
  }

  private startJob(job: ClaimedJob, now: number): void {
    endSupersededAttempt(this.active.get(job.id));
    const active = new ActiveJob(job, now);
    this.active.set(job.id, active);
    if (this.deps.events.has('job:started')) {
      this.deps.events.emit('job:started', { jobId: job.id, name: job.name, queue: job.queue, attempt: job.attempt, workerId: this.id, traceParent: job.traceParent ?? null });
    }
    executeJob(active, this.executor, this.finish);
  }

  private readonly finish = (active: ActiveJob, outcome: Outcome): void => {
    if (active.done) return;
    active.done = true;
    this.active.delete(active.id);
    if (this.feed instanceof PipelinedFeed) this.pumpSoon();
    const settlement = { id: active.id, workerId: this.id, attempt: active.claimed.attempt, outcome };
    this.settler.add({
      settlement,
      onSettled: (applied, cancelledInstead) => {
        if (!applied) return;
        const final: Outcome = cancelledInstead ? { type: 'cancelled', error: null } : outcome;
        reportOutcome(this.deps.events, active, final, this.deps.clock.now());
        if (isEndState(final.type)) this.afterEnd(active, final, cancelledInstead);
      },
    });
  };

  /** Runs the end hooks once the end is persisted; `cause` tells them whether the handler decided. */
  private afterEnd(active: ActiveJob, outcome: Outcome, cancelledInstead: boolean): void {
    const ended = endedFromAttempt(active.claimed, outcome, active.abortReason, cancelledInstead);
    const running = runEndHooks(ended, this.deps.endTools, (e) => this.deps.events.emit('worker:error', { workerId: this.id, error: e, during: 'end hook' }));
    this.hooksInFlight.add(running);
    void running.finally(() => this.hooksInFlight.delete(running));
  }

  private abort(active: ActiveJob, reason: Error, outcome: Outcome | null): void {
    if (active.done) return;
    active.abort(reason);
    if (outcome) this.finish(active, outcome);
    else {
      active.done = true; // lease lost: another worker owns the job now, settle nothing
      this.active.delete(active.id);
      this.pump();
    }
  }

  /** Timeouts, cancel requests, lost leases and maintenance, on one timer per worker. */
  private async tick(): Promise<void> {
    if (this.tickBusy || this.state === 'stopped') return;
    this.tickBusy = true;
    const now = this.deps.clock.now();
    try {
      const abort: Abort = (active, reason, outcome) => this.abort(active, reason, outcome);
      abortTimedOut(this.active.values(), now, abort);
      if (this.active.size > 0 && now - this.lastCancelPoll >= this.options.cancelPollMs) {
        this.lastCancelPoll = now;
        await abortCancelled(this.deps.store, this.id, this.active, now, abort);
      }
      if (this.active.size > 0 && now - this.lastOwnershipCheck >= this.options.heartbeatMs) {
        this.lastOwnershipCheck = now;
        await abortLeaseLost(this.deps.store, this.id, this.active, now, abort);
      }
      if (this.autoscaler && this.state === 'running') {
        const decision = await this.autoscaler.step(this.active.size + this.settler.size, this.active.size, this.limit, () => this.queueDepth(), now);
        if (decision) this.applyScale(decision.to, decision.reason, decision.utilization, decision.queued);
      }
      // due schedules, on the scheduler leader: the runner asks the store only when something may be due
      if (this.state === 'running' && this.firesSchedules && this.deps.duties.schedules) await (this.deps.scheduler as ScheduleRunner).tick(now);
      if (this.state === 'running' && this.deps.duties.maintains && now - this.lastMaintenance >= this.options.rescueMs) {
        this.lastMaintenance = now;
        await this.deps.maintenance(now);
      }
    } catch (error) {
      this.deps.events.emit('worker:error', { workerId: this.id, error: error as Error, during: 'tick' });
    } finally {
      this.tickBusy = false;
    }
  }

  private queueDepth(): Promise<number> {
    const store = this.deps.store;
    return store.queueDepth ? store.queueDepth(this.options.queues) : Promise.resolve(0);
  }
}
