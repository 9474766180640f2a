import type { ClaimRequest, ClaimResult } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { appendHistory, historyLine } from './history.js';
import { CHECKPOINT_COLUMNS, CLAIMED_COLUMNS, toClaimed } from './rows.js';
import { CHECKPOINT_LITERAL, type SchemaNames } from './sql.js';

/**
 * The claim as CTEs of one statement, so it costs one round trip and no explicit transaction.
 * Parameters: $1 now, $2 queues, $3 limit, $4 worker id, $5 lease expiry; `p` offsets them when the
 * CTEs follow others (settleAndClaim).
 *
 * - due: every due scheduled job (any queue), locked; claim stages them all, like a stager would
 * - ready: per selected queue, the first `limit` queued jobs in priority order from the partial
 *   index, locked with SKIP LOCKED so concurrent claimers take different rows and never wait
 * - picked: the best `limit` of both
 * - staged: due jobs not picked become queued
 * - claimed: picked jobs become running, leased to the worker; a due job records both transitions
 */
export function claimCtes(t: SchemaNames, p = 0): string {
  const [now, queues, limit, worker, leaseUntil] = [1, 2, 3, 4, 5].map((i) => `$${i + p}`) as [string, string, string, string, string];
  const staging = historyLine(`${now}::bigint`, 'j.state', "'queued'", 'j.attempt', "'due'");
  const runningFrom = historyLine(`${now}::bigint`, "'queued'", "'running'", 'j.attempt + 1', `${worker}::text`);
  return `due AS (
      SELECT id, queue, priority FROM ${t.jobs} WHERE state = 'scheduled' AND run_at <= ${now}::bigint FOR UPDATE SKIP LOCKED
    ), ready AS (
      SELECT r.id, r.priority FROM unnest(${queues}::text[]) AS q(name) CROSS JOIN LATERAL (
        SELECT id, priority FROM ${t.jobs} WHERE state = 'queued' AND queue = q.name
        ORDER BY priority DESC, id LIMIT ${limit}::int FOR UPDATE SKIP LOCKED
      ) r
    ), picked AS (
      SELECT id FROM (SELECT id, priority FROM ready UNION ALL SELECT id, priority FROM due WHERE queue = ANY(${queues}::text[])) c
      ORDER BY priority DESC, id LIMIT ${limit}::int
    ), staged AS (
      UPDATE ${t.jobs} j SET state = 'queued', ${appendHistory('j.history', staging)}, updated_at = ${now}::bigint
      WHERE j.id IN (SELECT id FROM due) AND j.id NOT IN (SELECT id FROM picked)
      RETURNING j.id
    ), claimed AS (
      UPDATE ${t.jobs} j SET state = 'running',
        ${appendHistory('j.history', `CASE WHEN j.state = 'scheduled' THEN ${staging} ELSE '' END || ${runningFrom}`)},
        attempt = j.attempt + 1, worker_id = ${worker}::text, lease_expires_at = ${leaseUntil}::bigint,
        started_at = ${now}::bigint, updated_at = ${now}::bigint
      FROM picked WHERE j.id = picked.id
      RETURNING ${CLAIMED_COLUMNS.map((c) => `j.${c}`).join(', ')}, j.priority
    ), claimed_full AS (
      -- the checkpoint record, read only for jobs marked checkpointed (a one-time filter per row)
      SELECT c.*, ${CHECKPOINT_COLUMNS.map((col) => `cp.${col}`).join(', ')} FROM claimed c
      LEFT JOIN LATERAL (SELECT ${CHECKPOINT_COLUMNS.join(', ')} FROM ${t.steps} s
        WHERE c.checkpointed AND s.job_id = c.id AND s.step_id = ${CHECKPOINT_LITERAL}) cp ON true
    )`;
}

/** The earliest run time still in the future among scheduled jobs (the snapshot before this statement). */
export function nextDueSql(t: SchemaNames, nowParam: string): string {
  return `(SELECT min(run_at) FROM ${t.jobs} WHERE state = 'scheduled' AND run_at > ${nowParam}::bigint)`;
}

export function claimParams(request: ClaimRequest): unknown[] {
  return [request.now, request.queues, request.limit, request.workerId, request.now + request.leaseMs];
}

/**
 * The rows a claim statement returns, in array mode: the claimed jobs (kind 0, priority order),
 * then one summary row (kind 1) whose first columns carry the next due time and, for
 * settleAndClaim, the settled and cancelled-instead ids as comma-separated text.
 */
export function claimSelect(nextDue: string, settledIds = 'NULL::text', cancelledIds = 'NULL::text'): string {
  const columns = [...CLAIMED_COLUMNS, ...CHECKPOINT_COLUMNS];
  const padding = columns.slice(3).map(() => 'NULL').join(', ');
  return `SELECT * FROM (
        SELECT 0 AS kind, ${columns.join(', ')}, priority FROM claimed_full
        UNION ALL
        SELECT 1, ${nextDue}, ${settledIds}, ${cancelledIds}, ${padding}, NULL
      ) rows ORDER BY kind, priority DESC, id`;
}

export interface ClaimRows {
  claim: ClaimResult;
  settledIds: string[];
  cancelledIds: string[];
}

/** Splits the result rows into claimed jobs and the trailing summary row. */
export function fromRows(rows: unknown[][]): ClaimRows {
  const summary = rows[rows.length - 1] as unknown[];
  const ids = (text: unknown): string[] => (typeof text === 'string' && text !== '' ? text.split(',') : []);
  return {
    claim: { jobs: rows.slice(0, -1).map((row) => toClaimed(row.slice(1))), nextDueAt: (summary[1] as number | null) ?? null },
    settledIds: ids(summary[2]),
    cancelledIds: ids(summary[3]),
  };
}

export function createClaim(t: SchemaNames) {
  const statement = { name: `${t.prefix}claim`, text: `WITH ${claimCtes(t)} ${claimSelect(nextDueSql(t, '$1'))}`, rowMode: 'array' as const };
  return async (db: Queryable, request: ClaimRequest): Promise<ClaimResult> => {
    const { rows } = await db.query<unknown[]>({ ...statement, values: claimParams(request) });
    return fromRows(rows as unknown[][]).claim;
  };
}
