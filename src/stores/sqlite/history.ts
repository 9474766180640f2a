import type { JobState, JobTransition } from '../../core/job.js';

/**
 * The transition history lives in the job row as text, one line per transition
 * (`at TAB from TAB to TAB attempt TAB reason`), appended by the same UPDATE that changes the
 * state. That makes the record atomic with the change and costs no extra index writes on the hot
 * path. Column references in a SET expression read the row's old values, so `state` is `from`.
 */
export function appendHistory(to: string, attemptExpr: string, reasonExpr = 'NULL'): string {
  return `history = substr(history || char(10) || CAST(@now AS INTEGER) || char(9) || state || char(9) || ${to} || char(9) || (${attemptExpr}) || char(9) || coalesce(${reasonExpr}, ''), -${MAX_HISTORY_CHARS})`;
}

/** The first line, written at insert. */
export function initialHistory(stateParam: string): string {
  return `CAST(@now AS INTEGER) || char(9) || char(9) || ${stateParam} || char(9) || '0' || char(9)`;
}

/** Long-lived jobs (snooze loops) keep their most recent history only. */
const MAX_HISTORY_CHARS = 16_000;

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
