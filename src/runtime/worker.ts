import type { Clock } from '../core/clock.js';
import { JobCancelledError, JobTimeoutError, ShutdownError, TaskwrightError } from '../core/errors.js';
import { newWorkerId } from '../core/ids.js';
import type { Store } from '../store/store.js';
import type { ClaimedJob, Outcome, SettleResult, Settlement } from '../store/types.js';
import type { EngineEventBus } from '../telemetry/events.js';
import { ActiveJob, executeJob, type ExecutorDeps } from './executor.js';
import type { HandlerRegistry } from './handlers.js';
import { LeaseKeeper } from './heartbeat.js';
import { outcomeForError, toJobError } from './outcome.js';
import { Settler } from './settler.js';
import { reportOutcome } from './report-outcome.js';
import type { CompiledWorkerOptions } from './worker-options.js';

export interface WorkerDeps {
  store: Store;
  registry: HandlerRegistry;
  clock: Clock;
  events: EngineEventBus;
  checkpointThresholdBytes: number;
  /** called on the worker's maintenance tick (lease rescue, pruning) */
  maintenance: (now: number) => Promise<void>;
}

type WorkerState = 'idle' | 'running' | 'stopping' | 'stopped';
const TICK_MS = 100;

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
  private claiming = false;
  private claimAgain = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private unsubscribeWake: (() => void) | null = null;
  private stopPromise: Promise<void> | null = null;
  private lastCancelPoll = 0;
  private lastOwnershipCheck = 0;
  private lastMaintenance = 0;
  private tickBusy = false;
  private readonly signalHandlers: [NodeJS.Signals, () => void][] = [];

  constructor(
    private readonly deps: WorkerDeps,
    readonly options: CompiledWorkerOptions,
  ) {
    const onError = (during: string) => (error: Error) => deps.events.emit('worker:error', { workerId: this.id, error, during });
    this.settler = new Settler((batch) => this.writeOutcomes(batch), onError('settle'), () => this.pump());
    this.leaseKeeper = new LeaseKeeper({
      store: deps.store,
      clock: deps.clock,
      workerId: this.id,
      leaseMs: options.leaseMs,
      heartbeatMs: options.heartbeatMs,
      onError: onError('heartbeat'),
    });
    this.executor = { ...deps, workerId: this.id };
  }

  get running(): number {
    return this.active.size;
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  async start(): Promise<this> {
    if (this.state !== 'idle') return this;
    await this.deps.store.migrate();
    await this.leaseKeeper.start();
    this.state = 'running';
    this.unsubscribeWake = this.deps.store.onWake(this.pump);
    this.tickTimer = setInterval(() => void this.tick(), TICK_MS);
    if (this.options.handleSignals) this.installSignalHandlers();
    this.deps.events.emit('worker:started', { workerId: this.id, queues: this.options.queues, concurrency: this.options.concurrency });
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
    this.unsubscribeWake?.();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const deadline = Date.now() + graceMs;
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, Math.min(20, graceMs)));
    for (const active of [...this.active.values()]) this.abort(active, new ShutdownError(), { type: 'released' });
    while (this.claiming) await new Promise((r) => setTimeout(r, 5));
    await this.settler.drain();
    if (this.tickTimer) clearInterval(this.tickTimer);
    await this.leaseKeeper.stop();
    for (const [signal, handler] of this.signalHandlers) process.off(signal, handler);
    this.state = 'stopped';
    this.deps.events.emit('worker:stopped', { workerId: this.id });
  }

  /** Claim as many jobs as there are free slots. Safe to call at any time; calls coalesce. */
  readonly pump = (): void => {
    if (this.state !== 'running') return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    // Outcomes not yet persisted still hold their slot: it bounds the unwritten backlog.
    const free = this.options.concurrency - this.active.size - this.settler.size;
    if (free <= 0) return;
    this.claiming = true;
    this.claimAgain = false;
    const now = this.deps.clock.now();
    this.deps.store
      .claim({ workerId: this.id, queues: this.options.queues, limit: free, leaseMs: this.options.leaseMs, now })
      .then(
        ({ jobs, nextDueAt }) => {
          this.claiming = false;
          for (const job of jobs) this.startJob(job, now);
          if (this.state !== 'running') return;
          if (this.claimAgain || jobs.length === free) {
            // more may be waiting; slots freed meanwhile are filled on the next pump
            if (this.claimAgain) setImmediate(this.pump);
            return;
          }
          this.armIdleTimer(nextDueAt);
        },
        (error: Error) => {
          this.claiming = false;
          this.deps.events.emit('worker:error', { workerId: this.id, error, during: 'claim' });
          this.armIdleTimer(null);
        },
      );
  };

  /**
   * Persists finished outcomes. In the steady state it also claims the next batch in the same
   * store operation, so each round of work costs one transaction instead of two.
   */
  private async writeOutcomes(batch: Settlement[]): Promise<SettleResult> {
    const now = this.deps.clock.now();
    const free = this.options.concurrency - this.active.size - this.settler.queuedSize;
    if (this.state !== 'running' || this.claiming || free <= 0) return this.deps.store.settle(batch, now);
    this.claiming = true;
    try {
      const { settled, claim } = await this.deps.store.settleAndClaim(batch, {
        workerId: this.id,
        queues: this.options.queues,
        limit: free,
        leaseMs: this.options.leaseMs,
        now,
      });
      for (const job of claim.jobs) this.startJob(job, now);
      if (claim.jobs.length < free) this.armIdleTimer(claim.nextDueAt);
      return settled;
    } finally {
      this.claiming = false;
    }
  }

  private armIdleTimer(nextDueAt: number | null): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    let wait = this.options.pollMs;
    if (nextDueAt !== null) wait = Math.max(0, Math.min(wait, nextDueAt - this.deps.clock.now()));
    this.idleTimer = setTimeout(this.pump, wait);
  }

  private startJob(job: ClaimedJob, now: number): void {
    const active = new ActiveJob(job, now);
    this.active.set(job.id, active);
    if (this.deps.events.has('job:started')) {
      this.deps.events.emit('job:started', { jobId: job.id, name: job.name, queue: job.queue, attempt: job.attempt, workerId: this.id });
    }
    executeJob(active, this.executor, this.finish);
  }

  private readonly finish = (active: ActiveJob, outcome: Outcome): void => {
    if (active.done) return;
    active.done = true;
    this.active.delete(active.id);
    const settlement = { id: active.id, workerId: this.id, attempt: active.claimed.attempt, outcome };
    this.settler.add({
      settlement,
      onSettled: (applied, cancelledInstead) => {
        if (!applied) return;
        reportOutcome(this.deps.events, active, cancelledInstead ? { type: 'cancelled', error: null } : outcome, this.deps.clock.now());
      },
    });
  };

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
      for (const active of this.active.values()) {
        if (active.deadline !== null && now >= active.deadline) {
          const timeoutMs = active.claimed.timeoutMs ?? 0;
          const error = new JobTimeoutError(timeoutMs);
          this.abort(active, error, outcomeForError(active.claimed, error, now));
        }
      }
      if (this.active.size > 0 && now - this.lastCancelPoll >= this.options.cancelPollMs) {
        this.lastCancelPoll = now;
        for (const id of await this.deps.store.cancellationRequests(this.id)) {
          const active = this.active.get(id);
          if (active) this.abort(active, new JobCancelledError(id), { type: 'cancelled', error: toJobError(new JobCancelledError(id), active.claimed.attempt, now) });
        }
      }
      if (this.active.size > 0 && now - this.lastOwnershipCheck >= this.options.heartbeatMs) {
        this.lastOwnershipCheck = now;
        const owned = new Set(await this.deps.store.runningJobIds(this.id));
        for (const active of [...this.active.values()]) {
          if (!owned.has(active.id) && active.startedAt < now) {
            this.abort(active, new TaskwrightError('lease_lost', `job ${active.id} lease was lost`), null);
          }
        }
      }
      if (this.state === 'running' && now - this.lastMaintenance >= this.options.rescueMs) {
        this.lastMaintenance = now;
        await this.deps.maintenance(now);
      }
    } catch (error) {
      this.deps.events.emit('worker:error', { workerId: this.id, error: error as Error, during: 'tick' });
    } finally {
      this.tickBusy = false;
    }
  }

  private installSignalHandlers(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const handler = () => void this.stop();
      process.once(signal, handler);
      this.signalHandlers.push([signal, handler]);
    }
  }
}
