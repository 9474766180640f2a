import type { BreakerChange } from '../../core/flow.js';
import { CHECKPOINT_STEP_ID } from '../../store/journal.js';
import { outcomeReason } from '../../store/history-text.js';
import type { Outcome, SettleResult, Settlement } from '../../store/types.js';
import { createBreakers } from './breakers.js';
import { flowKey } from './flow-keys.js';
import type { SqliteDatabase } from './connection.js';
import { appendHistory } from './history.js';
import { createJobRemoval } from './job-removal.js';
import { parseJobId } from './rows.js';

// Every statement is fenced on (id, running, worker, attempt): a worker whose lease was taken away
// changes nothing, so a rescued job cannot be completed twice. Each statement also appends the
// transition to the job's history (see history.ts).
const FENCE = "WHERE id = @id AND state = 'running' AND worker_id = @workerId AND attempt = @attempt";
const CLEAR_LEASE = 'worker_id = NULL, lease_expires_at = NULL, cancel_requested = 0, updated_at = @now';

/** Completions are written CHUNK at a time by one statement; unused slots are padded with id -1. */
const CHUNK = 64;


export function createSettle(db: SqliteDatabase) {
  const slots = Array.from({ length: CHUNK }, (_, i) => i);
  const keys = slots.map((i) => ({ id: `id${i}`, result: `r${i}`, attempt: `a${i}` }));
  const resultCases = slots.map((i) => `WHEN @id${i} THEN @r${i}`).join(' ');
  const attemptCases = slots.map((i) => `WHEN @id${i} THEN @a${i}`).join(' ');
  const completeChunk = db
    .prepare(
      `UPDATE tw_jobs SET state = 'completed', ${appendHistory("'completed'", 'attempt')}, result = CASE id ${resultCases} END,
        finished_at = @now, progress = NULL, ${CLEAR_LEASE}
      WHERE id IN (${slots.map((i) => `@id${i}`).join(', ')}) AND state = 'running' AND worker_id = @workerId
        AND attempt = CASE id ${attemptCases} END
      RETURNING id, checkpointed, flow_keys IS NOT NULL AND ${flowKey('b')} IS NOT NULL`,
    )
    .raw(true);
  // A completed job's checkpoint is of no further use: its journal record goes (only jobs marked
  // `checkpointed` pay for this).
  const deleteCheckpoint = db.prepare(`DELETE FROM tw_steps WHERE job_id = ? AND step_id = '${CHECKPOINT_STEP_ID}'`);
  const unmarkCheckpointed = db.prepare('UPDATE tw_jobs SET checkpointed = 0 WHERE id = ?');
  const breakerKeyOf = db.prepare(`SELECT ${flowKey('b')} FROM tw_jobs WHERE id = ?`).pluck();
  const breakers = createBreakers(db);
  const removeJob = createJobRemoval(db);
  // Outcomes that feed a breaker return its key; success and failure are what it counts.
  const BREAKER = `RETURNING ${flowKey('b')} AS breaker_key`;
  const statements = {
    retry: db.prepare(
      `UPDATE tw_jobs SET state = 'scheduled', ${appendHistory("'scheduled'", 'attempt', '@reason')}, run_at = @runAt, error = @error, ${CLEAR_LEASE} ${FENCE} ${BREAKER}`,
    ),
    terminalFailure: db.prepare(
      `UPDATE tw_jobs SET state = @state, ${appendHistory('@state', 'attempt', '@reason')}, error = @error, finished_at = @now, ${CLEAR_LEASE} ${FENCE} ${BREAKER}`,
    ),
    snoozed: db.prepare(
      // A run parking to wait for an event that was sent while it was running stays due now.
      `UPDATE tw_jobs SET state = 'scheduled', ${appendHistory("'scheduled'", 'attempt - 1', '@reason')},
        run_at = CASE WHEN EXISTS (SELECT 1 FROM tw_event_waits w WHERE w.job_id = tw_jobs.id AND w.woken_at IS NOT NULL) THEN @now ELSE @runAt END,
        attempt = attempt - 1,
        ${CLEAR_LEASE} ${FENCE}`,
    ),
    cancelled: db.prepare(
      `UPDATE tw_jobs SET state = 'cancelled', ${appendHistory("'cancelled'", 'attempt', '@reason')}, error = @error, finished_at = @now,
        ${CLEAR_LEASE} ${FENCE}`,
    ),
    // A cancel requested during the attempt wins over any outcome that would run the job again.
    cancelInstead: db.prepare(
      `UPDATE tw_jobs SET state = 'cancelled', ${appendHistory("'cancelled'", 'attempt', "'cancelled by request'")}, finished_at = @now,
        ${CLEAR_LEASE} ${FENCE} AND cancel_requested = 1`,
    ),
    // the snooze above read the wake marks of this attempt: they are used up
    consumeWakeMarks: db.prepare('UPDATE tw_event_waits SET woken_at = NULL WHERE job_id = @id AND woken_at IS NOT NULL'),
    released: db.prepare(
      `UPDATE tw_jobs SET state = 'queued', ${appendHistory("'queued'", 'attempt - 1', '@reason')}, attempt = attempt - 1, ${CLEAR_LEASE} ${FENCE}`,
    ),
  };

  /** Writes up to CHUNK completions of one worker; returns the ids applied, negated for jobs with a breaker key. */
  const completeMany = (workerId: string, items: readonly Settlement[], now: number): number[] => {
    const params: Record<string, unknown> = { workerId, now };
    for (let i = 0; i < CHUNK; i++) {
      const item = items[i];
      const outcome = item?.outcome;
      const key = keys[i] as (typeof keys)[number];
      params[key.id] = item ? parseJobId(item.id) ?? -1 : -1;
      params[key.result] = outcome?.type === 'completed' ? outcome.resultJson : null;
      params[key.attempt] = item ? item.attempt : -1;
    }
    const rows = completeChunk.all(params) as [number, number, number][];
    const ids: number[] = [];
    for (const [id, checkpointed, hasBreaker] of rows) {
      ids.push(hasBreaker === 1 ? -id : id);
      if (checkpointed !== 1) continue;
      deleteCheckpoint.run(id);
      unmarkCheckpointed.run(id);
    }
    return ids;
  };

  /** Returns 'applied', 'cancelled' (a pending cancel won) or null (not owned). */
  const applyOther = (
    settlement: Settlement,
    outcome: Exclude<Outcome, { type: 'completed' }>,
    now: number,
    changes: BreakerChange[],
  ): 'applied' | 'cancelled' | null => {
    const id = parseJobId(settlement.id);
    if (id === null) return null;
    const fence = { id, workerId: settlement.workerId, attempt: settlement.attempt, now, reason: outcomeReason(outcome) };
    if (outcome.type === 'retry' || outcome.type === 'snoozed' || outcome.type === 'released') {
      if (statements.cancelInstead.run({ id, workerId: settlement.workerId, attempt: settlement.attempt, now }).changes === 1) return 'cancelled';
    }
    const result = runOutcome(fence, outcome);
    if (typeof result === 'string') {
      const change = breakers.recordOutcome(result, id, false, now);
      if (change) changes.push(change);
    }
    return result === false ? null : 'applied';
  };

  /** false when not owned; true when applied; the breaker key when a failure was applied to a job that has one. */
  const runOutcome = (fence: Record<string, unknown>, outcome: Exclude<Outcome, { type: 'completed' }>): boolean | string => {
    const failure = (row: unknown): boolean | string => {
      if (row === undefined) return false;
      return (row as { breaker_key: string | null }).breaker_key ?? true;
    };
    switch (outcome.type) {
      case 'retry':
        return failure(statements.retry.get({ ...fence, runAt: outcome.runAt, error: JSON.stringify(outcome.error) }));
      case 'failed':
      case 'dead':
        return failure(statements.terminalFailure.get({ ...fence, state: outcome.type, error: JSON.stringify(outcome.error) }));
      case 'snoozed':
        if (statements.snoozed.run({ ...fence, runAt: outcome.runAt }).changes !== 1) return false;
        statements.consumeWakeMarks.run({ id: fence.id });
        return true;
      case 'cancelled':
        return statements.cancelled.run({ ...fence, error: outcome.error ? JSON.stringify(outcome.error) : null }).changes === 1;
      case 'released':
        return statements.released.run(fence).changes === 1;
    }
  };

  const settleInTransaction = (settlements: readonly Settlement[], now: number): SettleResult => {
    const applied: string[] = [];
    const cancelled: string[] = [];
    const changes: BreakerChange[] = [];
    const completions = new Map<string, Settlement[]>();
    for (const settlement of settlements) {
      const outcome = settlement.outcome;
      if (outcome.type === 'completed') {
        let list = completions.get(settlement.workerId);
        if (!list) completions.set(settlement.workerId, (list = []));
        list.push(settlement);
      } else {
        const result = applyOther(settlement, outcome, now, changes);
        if (result !== null) applied.push(settlement.id);
        if (result === 'cancelled') cancelled.push(settlement.id);
      }
    }
    const discarded: number[] = [];
    for (const [workerId, list] of completions) {
      const discard = new Set(list.filter((s) => s.outcome.type === 'completed' && s.outcome.discard === true).map((s) => s.id));
      for (let start = 0; start < list.length; start += CHUNK) {
        for (const signedId of completeMany(workerId, list.slice(start, start + CHUNK), now)) {
          const id = Math.abs(signedId);
          applied.push(String(id));
          if (discard.has(String(id))) discarded.push(id);
          if (signedId > 0) continue;
          const change = breakers.recordOutcome(breakerKeyOf.get(id) as string, id, true, now);
          if (change) changes.push(change);
        }
      }
    }
    // after the breakers read their keys from the rows
    for (const id of discarded) removeJob(id, { keyless: true });
    return changes.length ? { applied, cancelled, breakerChanges: changes } : { applied, cancelled };
  };
  const settleTx = db.transaction(settleInTransaction);
  return {
    settle: (settlements: readonly Settlement[], now: number): SettleResult => settleTx.immediate(settlements, now),
    settleInTransaction,
  };
}
