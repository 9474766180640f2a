import type { BreakerChange } from '../../core/flow.js';
import { outcomeReason } from '../../store/history-text.js';
import type { Outcome, SettleResult, Settlement } from '../../store/types.js';
import { flowNames } from './flow-names.js';
import { appendHistory, historyLine } from './history.js';
import { CHECKPOINT_LITERAL, jobRecordDeletes, parseJobId, type SchemaNames } from './sql.js';


/**
 * Parameters for the settle CTEs: one array per column of the outcomes, rows sorted by id (so
 * concurrent settles lock rows in the same order), the first outcome of an id kept (a second one
 * for the same attempt could never apply). Unknown ids are dropped: they change nothing.
 */
/** How many parameters the settle CTEs take (statements that append others number them after). */
export const SETTLE_PARAMS = 10;

export function settleParams(settlements: readonly Settlement[], now: number): unknown[] {
  const seen = new Set<number>();
  const rows: { id: number; s: Settlement }[] = [];
  for (const s of settlements) {
    const id = parseJobId(s.id);
    if (id === null || seen.has(id)) continue;
    seen.add(id);
    rows.push({ id, s });
  }
  rows.sort((a, b) => a.id - b.id);
  const col = <T>(pick: (s: Settlement, o: Outcome) => T): T[] => rows.map(({ s }) => pick(s, s.outcome));
  return [
    now,
    rows.map((r) => r.id),
    col((s) => s.workerId),
    col((s) => s.attempt),
    col((_, o) => o.type),
    col((_, o) => (o.type === 'completed' ? o.resultJson : null)),
    col((_, o) => (o.type === 'retry' || o.type === 'snoozed' ? o.runAt : null)),
    col((_, o) => ('error' in o && o.error ? JSON.stringify(o.error) : null)),
    col((_, o) => outcomeReason(o)),
    col((_, o) => o.type === 'completed' && o.discard === true),
  ];
}

/**
 * Every outcome kind in one UPDATE ... FROM unnest(...), with no row lock taken first: the UPDATE
 * fences each row on (running, worker, attempt) and reads its cancel request itself, and under READ
 * COMMITTED PostgreSQL re-checks those conditions and recomputes the new values on the row's latest
 * version when another transaction (a heartbeat, a cancel request) changed it meanwhile. (A lock
 * first cost a second write of every row: a lock record, then the update.)
 * An outcome that would run the job again ends it cancelled when a cancel was requested. A run
 * parking while an event it waits for arrived stays due now, and uses up that wake-up. A completion
 * deletes the job's checkpoint record. Outcomes of jobs with a breaker key feed their breakers
 * (flow_record_outcomes, migrations/003_flow.sql) in the same statement.
 * Parameters $1..$10 (see settleParams); defines CTEs `settled(id, cancelled_instead, to_state, run_at, kind,
 * breaker_key, concurrency_key)` and `breakers_fed(changes)` (the breaker changes as JSON text; no row when none were fed).
 */
export function settleCtes(t: SchemaNames): string {
  const again = "x.kind IN ('retry', 'snoozed', 'released')";
  const cancelledInstead = `(${again} AND j.cancel_requested)`;
  const toState = `CASE WHEN ${cancelledInstead} THEN 'cancelled' WHEN x.kind IN ('retry', 'snoozed') THEN 'scheduled'
          WHEN x.kind = 'released' THEN 'queued' ELSE x.kind END`;
  const ended = "x.kind IN ('completed', 'failed', 'dead', 'cancelled')";
  // a parking run whose awaited event already arrived (read only for snoozes)
  const woken = `EXISTS (SELECT 1 FROM ${t.waits} w WHERE w.job_id = j.id AND w.woken_at IS NOT NULL)`;
  // IS NOT DISTINCT FROM cannot use an index, so the write is driven by the primary key
  const fence = "j.state IS NOT DISTINCT FROM 'running' AND j.worker_id IS NOT DISTINCT FROM x.worker_id AND j.attempt IS NOT DISTINCT FROM x.attempt";
  const history = historyLine(
    '$1::bigint',
    "'running'",
    toState,
    `CASE WHEN ${cancelledInstead} THEN j.attempt WHEN x.kind IN ('snoozed', 'released') THEN j.attempt - 1 ELSE j.attempt END`,
    `CASE WHEN ${cancelledInstead} THEN 'cancelled by request' ELSE x.reason END`,
  );
  return `input AS (
      SELECT * FROM unnest($2::bigint[], $3::text[], $4::int[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::boolean[])
        AS u(id, worker_id, attempt, kind, result, run_at, error, reason, discard)
    ), removed AS (
      -- a discarded completion deletes its job (one primary-key probe each, the fence as below),
      -- unless the job's idempotency key must outlive it
      DELETE FROM ${t.jobs} j USING input x WHERE x.discard AND j.id = x.id AND ${fence} AND j.idempotency_key IS NULL
      RETURNING j.id, false AS cancelled_instead, 'completed'::text AS to_state, j.run_at, x.kind, j.breaker_key, j.concurrency_key
    ), updated AS (
      -- One primary-key probe per outcome not deleted above, in id order (the input is sorted): the
      -- fence is written with IS NOT DISTINCT FROM, which no index answers, so the plan cannot walk
      -- the running index instead (statistics taken while nothing ran make it look free, and it holds
      -- every job the worker ran since the last vacuum). Probing here rather than in a snapshot read
      -- first halves the index and heap reads of a settle.
      UPDATE ${t.jobs} j SET
        state = ${toState},
        ${appendHistory('j.history', history)},
        attempt = CASE WHEN NOT ${cancelledInstead} AND x.kind IN ('snoozed', 'released') THEN j.attempt - 1 ELSE j.attempt END,
        run_at = CASE WHEN ${cancelledInstead} THEN j.run_at WHEN x.kind = 'retry' THEN x.run_at
          WHEN x.kind = 'snoozed' THEN CASE WHEN ${woken} THEN $1::bigint ELSE x.run_at END ELSE j.run_at END,
        result = CASE WHEN x.kind = 'completed' THEN x.result ELSE j.result END,
        error = CASE WHEN ${cancelledInstead} THEN j.error WHEN x.kind IN ('retry', 'failed', 'dead', 'cancelled') THEN x.error ELSE j.error END,
        finished_at = CASE WHEN ${ended} OR ${cancelledInstead} THEN $1::bigint ELSE j.finished_at END,
        progress = CASE WHEN x.kind = 'completed' THEN NULL ELSE j.progress END,
        checkpointed = CASE WHEN x.kind = 'completed' THEN false ELSE j.checkpointed END,
        worker_id = NULL, lease_expires_at = NULL, cancel_requested = false, updated_at = $1::bigint
      -- the fence is re-checked on the row's latest version when another transaction changed it
      FROM input x WHERE j.id = x.id AND ${fence} AND (NOT x.discard OR x.id NOT IN (SELECT id FROM removed))
      RETURNING j.id, ${again} AND j.state = 'cancelled' AS cancelled_instead, j.state AS to_state, j.run_at, x.kind,
        j.breaker_key, j.concurrency_key
    ), settled AS (
      SELECT * FROM updated UNION ALL SELECT * FROM removed
    ), breakers_fed AS (
      -- completions are successes; retries and terminal failures are failures; nothing else counts
      SELECT ${flowNames(t).recordOutcomes}(array_agg(breaker_key ORDER BY id), array_agg(id ORDER BY id),
        array_agg(kind = 'completed' ORDER BY id), $1::bigint)::text AS changes
      FROM settled WHERE breaker_key IS NOT NULL AND NOT cancelled_instead AND kind IN ('completed', 'retry', 'failed', 'dead')
      HAVING count(*) > 0
    ), woken_used AS (
      UPDATE ${t.waits} SET woken_at = NULL
      WHERE woken_at IS NOT NULL AND job_id IN (SELECT id FROM settled WHERE kind = 'snoozed')
    ), checkpoint_dropped AS (
      -- a completed job's checkpoint is of no further use: one probe of the small checkpoint index
      -- per completion written (a job rescued and claimed again since this statement's snapshot was
      -- not written, and keeps the checkpoint its next attempt resumes from)
      DELETE FROM ${t.steps} WHERE step_id = ${CHECKPOINT_LITERAL}
        AND job_id = ANY(ARRAY(SELECT id FROM updated WHERE kind = 'completed'))
    ), ${jobRecordDeletes(t, 'removed')}`;
}

/** Outcomes that may make a job claimable at once: they need the settle to commit before the claim reads. */
export function mayBeClaimableAtOnce(settlements: readonly Settlement[], now: number): boolean {
  return settlements.some(({ outcome: o }) => o.type === 'released' || o.type === 'snoozed' || (o.type === 'retry' && o.runAt <= now));
}

/** Two variants: with a NOTIFY (delivered at commit) when an outcome may make a job claimable now. */
export function createSettle(t: SchemaNames) {
  const text = (notify: boolean) => `WITH ${settleCtes(t)}
      SELECT id, cancelled_instead, to_state, run_at, concurrency_key, (SELECT changes FROM breakers_fed) AS breaker_changes FROM settled${notify ? `, (SELECT pg_notify('${t.channel}', '')) AS wake` : ''}`;
  return {
    quiet: { name: `${t.prefix}settle`, text: text(false) },
    notifying: { name: `${t.prefix}settle_notify`, text: text(true) },
  };
}

export interface SettledRow {
  id: number;
  cancelled_instead: boolean;
  to_state: string;
  run_at: number;
  /** the job's concurrency key: its end freed a slot that held jobs may be waiting for */
  concurrency_key: string | null;
  /** the breaker changes of the whole settle, as JSON text, on every row (or null) */
  breaker_changes: string | null;
}

export function toSettleResult(rows: readonly SettledRow[]): SettleResult {
  const result: SettleResult = {
    applied: rows.map((r) => String(r.id)),
    cancelled: rows.filter((r) => r.cancelled_instead).map((r) => String(r.id)),
  };
  return withBreakerChanges(result, rows[0]?.breaker_changes ?? null);
}

/**
 * Whether these settled jobs freed something held jobs may wait for, in other processes too: a
 * concurrency slot, or a breaker that closed. (The settling worker claims again by itself.)
 */
export function freedFlow(rows: readonly SettledRow[], result: SettleResult): boolean {
  return rows.some((r) => r.concurrency_key !== null) || (result.breakerChanges ?? []).some((c) => c.to === 'closed');
}

/** Adds the breaker changes (JSON text from the settle statement) when there are any. */
export function withBreakerChanges(result: SettleResult, changesJson: string | null): SettleResult {
  const changes = changesJson === null ? [] : (JSON.parse(changesJson) as BreakerChange[]);
  return changes.length ? { ...result, breakerChanges: changes } : result;
}
