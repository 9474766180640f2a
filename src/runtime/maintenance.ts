import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import type { EngineEventBus } from '../telemetry/events.js';

export interface RetentionPolicy {
  /** keep completed and cancelled jobs (with results and logs) this long */
  completedMs: number;
  /** keep failed and dead jobs this long */
  failedMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { completedMs: 7 * 86_400_000, failedMs: 30 * 86_400_000 };
const PRUNE_EVERY_MS = 60_000;
const BATCH = 1000;

/**
 * The lifeline (rescue jobs whose lease expired, i.e. whose worker died) and the pruner (retention).
 * Every worker runs them; each store operation is atomic, so running them in many processes is safe.
 */
export function createMaintenance(store: Store, events: EngineEventBus, clock: Clock, retention: RetentionPolicy) {
  let lastPrune = 0;
  return {
    async rescue(now: number): Promise<number> {
      let total = 0;
      for (;;) {
        const rescued = await store.rescueExpired(now, BATCH);
        for (const job of rescued) events.emit('job:rescued', { jobId: job.id, name: job.name, queue: job.queue, attempt: job.attempt, to: job.to });
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
    async run(now: number): Promise<void> {
      await this.rescue(now);
      if (now - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = now;
        await this.prune(now);
      }
    },
  };
}
