import { JobCancelledError, JobTimeoutError, TaskwrightError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { Outcome } from '../store/types.js';
import type { ActiveJob } from './executor.js';
import { outcomeForError, toJobError } from './outcome.js';

/** Stops a running attempt: with the outcome to record, or null when the attempt is no longer ours to settle. */
export type Abort = (active: ActiveJob, reason: Error, outcome: Outcome | null) => void;

/** Attempts past their timeout end now, with the timeout as their error (retried if attempts remain). */
export function abortTimedOut(jobs: Iterable<ActiveJob>, now: number, abort: Abort): void {
  for (const active of jobs) {
    if (active.deadline === null || now < active.deadline) continue;
    const error = new JobTimeoutError(active.claimed.timeoutMs ?? 0);
    abort(active, error, outcomeForError(active.claimed, error, now));
  }
}

/** Attempts whose cancellation was requested (from any process) end cancelled. */
export async function abortCancelled(store: Store, workerId: string, jobs: ReadonlyMap<string, ActiveJob>, now: number, abort: Abort): Promise<void> {
  for (const id of await store.cancellationRequests(workerId)) {
    const active = jobs.get(id);
    if (active) abort(active, new JobCancelledError(id), { type: 'cancelled', error: toJobError(new JobCancelledError(id), active.claimed.attempt, now) });
  }
}

/**
 * Attempts whose lease this worker no longer holds (rescued by another process) stop without an
 * outcome. Only jobs already in hand when the query is sent count: their claims have committed, so
 * the answer must list them; a claim answered while the query runs may not be in it yet.
 */
export async function abortLeaseLost(store: Store, workerId: string, jobs: ReadonlyMap<string, ActiveJob>, now: number, abort: Abort): Promise<void> {
  const candidates = [...jobs.values()];
  const owned = new Set(await store.runningJobIds(workerId));
  for (const active of candidates) {
    if (!owned.has(active.id) && !active.done && active.startedAt < now) {
      abort(active, new TaskwrightError('lease_lost', `job ${active.id} lease was lost`), null);
    }
  }
}

/**
 * The worker claimed a job again while an older attempt of it still runs here: the older attempt
 * lost its lease (rescued, then claimed anew), so it stops without an outcome and the new attempt
 * takes its place (its outcome would be fenced off anyway, but its handler would keep running).
 */
export function endSupersededAttempt(older: ActiveJob | undefined): void {
  if (!older || older.done) return;
  older.abort(new TaskwrightError('lease_lost', `job ${older.id} lease was lost (attempt ${older.claimed.attempt} was claimed again)`));
  older.done = true;
}

/** Calls `stop` on the first SIGTERM or SIGINT; returns what removes the handlers again. */
export function stopOnSignals(stop: () => void): () => void {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  for (const signal of signals) process.once(signal, stop);
  return () => {
    for (const signal of signals) process.off(signal, stop);
  };
}
