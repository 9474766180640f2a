import { ConflictError } from './errors.js';
import type { JobState } from './job.js';

/**
 * The allowed job transitions. Stores apply each as one atomic operation; this table is the
 * specification they are tested against and the source of "why can't I do that" errors.
 */
export const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  scheduled: ['queued', 'cancelled'],
  queued: ['running', 'cancelled'],
  // running -> scheduled covers retry-after-backoff and snooze; running -> queued is a release
  // (graceful shutdown, lease rescue).
  running: ['completed', 'scheduled', 'queued', 'failed', 'dead', 'cancelled'],
  completed: [],
  failed: ['queued'],
  dead: ['queued'],
  cancelled: ['queued'],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(jobId: string, from: JobState, to: JobState, action: string): void {
  if (!canTransition(from, to)) {
    throw new ConflictError(`cannot ${action} job ${jobId}: it is ${from}, expected one of states that can become ${to}`, {
      jobId,
      state: from,
    });
  }
}

/** States from which `retry` is allowed. */
export const RETRYABLE_STATES: readonly JobState[] = ['failed', 'dead', 'cancelled'];
/** States from which `cancel` is allowed (running ones are asked to stop). */
export const CANCELLABLE_STATES: readonly JobState[] = ['scheduled', 'queued', 'running'];
