import type { JobState, JobTransition } from '../core/job.js';
import type { Outcome } from './types.js';

/**
 * The transition history format every driver stores in the job row: one line per transition,
 * `at TAB from TAB to TAB attempt TAB reason`, appended by the UPDATE that changes the state.
 * Drivers write it in their own SQL; reading it and the limits on it are shared here.
 */

/** Long-lived jobs (snooze loops) keep their most recent history only. */
export const MAX_HISTORY_CHARS = 16_000;

/** Reasons are free text (error messages); keep them on one line and short. */
export function historyReason(text: string | null | undefined): string | null {
  if (!text) return null;
  const flat = text.replace(/[\t\r\n]+/g, ' ');
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

export function parseHistory(jobId: string, text: string | null): JobTransition[] {
  if (!text) return [];
  const transitions: JobTransition[] = [];
  for (const line of text.split('\n')) {
    const [at, from, to, attempt, reason] = line.split('\t');
    // a line cut by the length cap is dropped rather than reported wrong
    if (!at || !to || attempt === undefined || !/^\d+$/.test(at)) continue;
    transitions.push({
      jobId,
      at: Number(at),
      from: from ? (from as JobState) : null,
      to: to as JobState,
      attempt: Number(attempt),
      reason: reason ? reason : null,
    });
  }
  return transitions;
}

/** The reason an outcome records in the history line it appends (none for a completion). */
export function outcomeReason(outcome: Outcome): string | null {
  switch (outcome.type) {
    case 'completed':
      return null;
    case 'retry':
    case 'failed':
    case 'dead':
      return historyReason(outcome.error.message);
    case 'cancelled':
      return historyReason(outcome.error?.message ?? 'cancelled');
    case 'snoozed':
      return historyReason(outcome.reason ?? 'snoozed');
    case 'released':
      return 'released';
  }
}
