import { MAX_HISTORY_CHARS } from '../../store/history-text.js';

export { historyReason, parseHistory } from '../../store/history-text.js';

/**
 * The transition history lives in the job row as text, one line per transition
 * (`at TAB from TAB to TAB attempt TAB reason`), appended by the same UPDATE that changes the
 * state: atomic with the change and no extra row or index write on the hot path. In a SET
 * expression, column references read the row's old values, so `state` is the `from`.
 */
export function historyLine(at: string, from: string, to: string, attempt: string, reason = 'NULL'): string {
  return `E'\\n' || (${at})::text || E'\\t' || ${from} || E'\\t' || ${to} || E'\\t' || (${attempt})::text || E'\\t' || coalesce(${reason}, '')`;
}

/** `history = ...` keeping the most recent MAX_HISTORY_CHARS (long snooze loops). */
export function appendHistory(column: string, lines: string): string {
  return `history = right(${column} || ${lines}, ${MAX_HISTORY_CHARS})`;
}

/** The first line, written at insert (no leading newline). */
export function initialHistory(at: string, state: string): string {
  return `(${at})::text || E'\\t\\t' || ${state} || E'\\t0\\t'`;
}
