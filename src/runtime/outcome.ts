import { backoffDelay } from '../core/backoff.js';
import type { JobError } from '../core/job.js';
import type { ClaimedJob, Outcome } from '../store/types.js';

/** Reads an error's `code` without instanceof, so errors from another copy of the package still steer. */
const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

/** Handlers may throw anything (even values JSON cannot encode); never fail while describing it. */
function describeThrown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

export function toJobError(error: unknown, attempt: number, now: number): JobError {
  if (error instanceof Error) {
    return { message: error.message, name: error.name, code: codeOf(error), stack: error.stack, attempt, at: now };
  }
  return { message: typeof error === 'string' ? error : describeThrown(error), attempt, at: now };
}

/** Decides what a thrown error means for the job: snooze, retry later, or a terminal failure. */
export function outcomeForError(job: ClaimedJob, error: unknown, now: number, random: () => number = Math.random): Outcome {
  const code = codeOf(error);
  if (code === 'snoozed') {
    const delayMs = Number((error as { delayMs?: unknown }).delayMs) || 0;
    const reason = (error as { message?: unknown }).message;
    return typeof reason === 'string' ? { type: 'snoozed', runAt: now + delayMs, reason } : { type: 'snoozed', runAt: now + delayMs };
  }
  const jobError = toJobError(error, job.attempt, now);
  // The run itself asked to end cancelled (e.g. a budget breach with the cancel policy).
  if (code === 'cancel_run') return { type: 'cancelled', error: jobError };
  const terminal = job.deadLetter ? 'dead' : 'failed';
  if (code === 'non_retryable' || code === 'run_timeout' || job.attempt >= job.maxAttempts) return { type: terminal, error: jobError };
  return { type: 'retry', error: jobError, runAt: now + backoffDelay(job.backoff, job.attempt, random) };
}
