import type { Clock } from '../core/clock.js';
import { parseDuration, type Duration } from '../core/duration.js';
import type { Store } from '../store/store.js';
import type { EngineEventBus } from '../telemetry/events.js';
import { fireStoredTimeouts } from './timers.js';
import { endedFromJob, runEndHooks, type EndHookTools } from './end-hooks.js';

export interface RetentionPolicy {
  /** keep completed and cancelled jobs (with results and logs) this long */
  completedMs: number;
  /** keep failed and dead jobs this long */
  failedMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { completedMs: 7 * 86_400_000, failedMs: 30 * 86_400_000 };

/** The engine's `retention` option: how long finished jobs are kept (0 for completed: not at all). */
export function retentionPolicy(option: { completed?: Duration; failed?: Duration } | undefined): RetentionPolicy {
  return {
    completedMs: option?.completed === undefined ? DEFAULT_RETENTION.completedMs : parseDuration(option.completed, 'retention.completed'),
    failedMs: option?.failed === undefined ? DEFAULT_RETENTION.failedMs : parseDuration(option.failed, 'retention.failed'),
  };
}
const PRUNE_EVERY_MS = 60_000;
/** stopped and dead workers stay listed in the registry this long */
const FORGET_WORKERS_MS = 3_600_000;
const BATCH = 1000;
/**
 * A stored timeout fires this long after the attempt's deadline, so a live owner (which aborts at
 * the deadline itself) goes first; it catches attempts whose worker died or is blocked.
 */
export const STORED_TIMEOUT_GRACE_MS = 5_000;

/**
 * The lifeline (rescue jobs whose lease expired, i.e. whose worker died) and the pruner (retention).
 * The engine elected to the `stager` role runs them (every engine, on stores without leader
 * election); each store operation is atomic, so two engines that briefly both lead are safe.
 */
export function createMaintenance(store: Store, events: EngineEventBus, clock: Clock, retention: RetentionPolicy, endTools: EndHookTools) {
  let lastPrune = 0;
  return {
    async rescue(now: number): Promise<number> {
      let total = 0;
      for (;;) {
        const rescued = await store.rescueExpired(now, BATCH);
        for (const job of rescued) events.emit('job:rescued', { jobId: job.id, name: job.name, queue: job.queue, attempt: job.attempt, to: job.to });
        // A job rescued into an end state ran no handler code at its end: the hooks speak for it.
        for (const job of rescued.filter((r) => r.to !== 'queued')) {
          const stored = await store.getJob(job.id);
          const ended = stored && endedFromJob(stored, 'rescue');
          if (ended) await runEndHooks(ended, endTools, (error) => events.emit('worker:error', { workerId: 'lifeline', error, during: 'end hook' }));
        }
        total += rescued.length;
        if (rescued.length < BATCH) return total;
      }
    },
    async prune(now: number = clock.now()): Promise<number> {
      let total = 0;
      for (;;) {
        const { jobs } = await store.prune({
          now,
          completedBefore: now - retention.completedMs,
          failedBefore: now - retention.failedMs,
          idempotencyBefore: now,
          limit: BATCH,
        });
        total += jobs;
        if (jobs < BATCH) return total;
      }
    },
    /** Marks workers whose heartbeat stopped as dead (stores with a worker registry). */
    async reapWorkers(now: number): Promise<string[]> {
      if (!store.capabilities.workerRegistry || !store.reapWorkers) return [];
      const dead = await store.reapWorkers(now, now - FORGET_WORKERS_MS);
      for (const workerId of dead) events.emit('worker:dead', { workerId });
      return dead;
    },
    /** End attempts running past their stored timeout whose worker did not (see timers.ts). */
    async fireTimeouts(now: number): Promise<number> {
      const fired = await fireStoredTimeouts(store, events, now, STORED_TIMEOUT_GRACE_MS);
      // a timeout that ended the job for good: the end hooks speak for it, as for a rescue
      for (const { jobId } of fired.filter((f) => f.to !== 'retry')) {
        const stored = await store.getJob(jobId);
        const ended = stored && endedFromJob(stored, 'timeout');
        if (ended) await runEndHooks(ended, endTools, (error) => events.emit('worker:error', { workerId: 'lifeline', error, during: 'end hook' }));
      }
      return fired.length;
    },
    async run(now: number): Promise<void> {
      await this.fireTimeouts(now);
      await this.rescue(now);
      await this.reapWorkers(now);
      if (now - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = now;
        await this.prune(now);
      }
    },
  };
}
