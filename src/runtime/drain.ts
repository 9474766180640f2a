import type { Clock } from '../core/clock.js';
import { ValidationError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { EngineEventBus } from '../telemetry/events.js';
import type { Worker } from './worker.js';

/**
 * Runs `worker` until nothing is queued or running and no scheduled job (a retry, a snooze, a
 * workflow sleep) falls due before `timeoutMs`, then stops it. Returns how many attempts finished.
 */
export async function drainWith(worker: Worker, deps: { store: Store; clock: Clock; events: EngineEventBus }, timeoutMs: number): Promise<{ settled: number }> {
  const { store, clock, events } = deps;
  let settled = 0;
  const count = () => settled++;
  const offs = (['job:completed', 'job:retrying', 'job:failed', 'job:cancelled', 'job:snoozed'] as const).map((e) => events.on(e, count));
  await worker.start();
  const deadline = Date.now() + timeoutMs;
  try {
    // The store is read in several steps while the worker keeps claiming, so a job can move
    // between two reads (e.g. claimed from scheduled to running while a networked store answers).
    // Idle counts only when seen twice in a row with the worker holding nothing before and after.
    let idleChecks = 0;
    for (;;) {
      const workerIdleBefore = worker.isIdle;
      // running in the store too: an outcome may be finished here but not yet written
      const runnable =
        (await store.listJobs({ state: 'queued', limit: 1 })).length +
        (await store.listJobs({ state: 'running', limit: 1 })).length +
        worker.running;
      const dueBeforeDeadline = (await store.stats(clock.now())).some((q) => q.counts.scheduled > 0)
        ? (await store.listJobs({ state: 'scheduled', limit: 1000 })).some((j) => j.runAt <= clock.now() + (deadline - Date.now()))
        : false;
      const idle = workerIdleBefore && worker.isIdle && runnable === 0 && !dueBeforeDeadline;
      idleChecks = idle ? idleChecks + 1 : 0;
      if (idleChecks >= 2) break;
      if (Date.now() > deadline) throw new ValidationError(`drain did not finish within ${timeoutMs}ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    offs.forEach((off) => off());
    await worker.stop(0);
  }
  return { settled };
}
