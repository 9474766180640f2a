import { MAX_HISTORY_CHARS } from '../../store/history-text.js';

export { historyReason, parseHistory } from '../../store/history-text.js';

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
