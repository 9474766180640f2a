import type { BreakerChange } from '../../core/flow.js';
import type { ClaimRequest, ClaimResult } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { appendHistory, historyLine } from './history.js';
import { CHECKPOINT_COLUMNS, CLAIMED_COLUMNS, toClaimed } from './rows.js';
import { flowNames, KEYED, PLAIN, TAGGED } from './flow-names.js';
import { CHECKPOINT_LITERAL, type SchemaNames } from './sql.js';

/**
 * The plain claim as CTEs of one statement, so it costs one round trip and no explicit transaction.
 * Parameters: $1 now, $2 queues, $3 limit, $4 worker id, $5 lease expiry, $6 worker tags; `p`
 * offsets them when the CTEs follow others (settleAndClaim).
 *
 * - flow: whether this claim needs the flow gate instead (flow-claim.ts), in which case the
 *   statement changes nothing, and which selected queues are paused (see flowCheck)
 * - ready: per selected queue, the first `limit` queued plain jobs in order-key order (priority
 *   with aging) from the partial index, locked with SKIP LOCKED so concurrent claimers take
 *   different rows and never wait
 * - picked: the best `limit` of them over the selected queues
 * - claimed: picked jobs become running, leased to the worker
 *
 * Due scheduled jobs are not staged here: the elected stager does it (stage.ts, runtime/stager.ts)
 * and its NOTIFY wakes the workers, so a claim reads only the queued index.
 *
 * The claim pool runs this with its generic plan (connection.ts). The update finds its rows by
 * `ctid = ANY(ARRAY(...))`, the row versions `ready` locked: a direct read of each, with no index
 * descent (no other transaction can write a row this statement holds locked, so its location
 * stands). A join with the CTE could be planned as a hash join over the whole table when the
 * generic plan guesses the CTE large.
 */
export function claimCtes(t: SchemaNames, p = 0): string {
  const [now, queues, limit, worker, leaseUntil, tags] = [1, 2, 3, 4, 5, 6].map((i) => `$${i + p}`) as [string, string, string, string, string, string];
  const runningFrom = historyLine(`${now}::bigint`, "'queued'", "'running'", 'j.attempt + 1', `${worker}::text`);
  return `flow AS (
      ${flowCheck(t, queues, tags)}
    ), ready AS (
      SELECT r.id, r.order_key, r.row_at FROM unnest(${queues}::text[]) AS q(name) CROSS JOIN LATERAL (
        SELECT id, order_key, ctid AS row_at FROM ${t.jobs} WHERE state = 'queued' AND ${PLAIN} AND queue = q.name
        ORDER BY order_key, id LIMIT ${limit}::int FOR UPDATE SKIP LOCKED
      ) r
      WHERE NOT (SELECT gated FROM flow) AND q.name <> ALL((SELECT paused FROM flow)::text[])
    ), picked AS (
      SELECT row_at FROM ready ORDER BY order_key, id LIMIT ${limit}::int
    ), claimed AS (
      UPDATE ${t.jobs} j SET state = 'running', ${appendHistory('j.history', runningFrom)},
        attempt = j.attempt + 1, worker_id = ${worker}::text, lease_expires_at = ${leaseUntil}::bigint,
        started_at = ${now}::bigint, updated_at = ${now}::bigint
      WHERE j.ctid = ANY(ARRAY(SELECT row_at FROM picked))
      RETURNING ${CLAIMED_COLUMNS.map((c) => `j.${c}`).join(', ')}, j.order_key
    ), claimed_full AS (
      ${withCheckpoints(t, 'claimed')}
    )`;
}

/**
 * The flow check as one row (gated, paused): the claim needs the flow gate when a selected queue
 * has a `queue:NAME` limit, a queued job in a selected queue has a limit or breaker key, or (for a
 * worker with tags) a queued job needs worker tags. Each is a probe of an index or a small table
 * that is empty for plain work. Inline rather than through the schema's flow_claim_check function
 * (which stays for older versions): an idle claim's round trip went from about 0.30 to 0.28 ms,
 * and the probes are part of the statement's generic plan.
 */
function flowCheck(t: SchemaNames, queues: string, tags: string): string {
  const f = flowNames(t);
  // per queue, the head of the keyed (or tagged) index, read as the claim reads the plain one: an
  // ordered LIMIT 1 that only that index answers, whatever the plan guesses of the rows
  const anyQueued = (predicate: string) => `EXISTS (SELECT 1 FROM unnest(${queues}::text[]) AS q(name) CROSS JOIN LATERAL (
          SELECT 1 FROM ${t.jobs} WHERE state = 'queued' AND ${predicate} AND queue = q.name ORDER BY order_key, id LIMIT 1) head)`;
  return `SELECT (EXISTS (SELECT 1 FROM ${f.limits} WHERE key = ANY(ARRAY(SELECT 'queue:' || q FROM unnest(${queues}::text[]) AS q)))
        OR ${anyQueued(KEYED)}
        OR (cardinality(${tags}::text[]) > 0 AND ${anyQueued(TAGGED)})
      ) AS gated, ARRAY(SELECT queue FROM ${f.queues} WHERE paused AND queue = ANY(${queues}::text[])) AS paused`;
}

/**
 * The claimed rows with their checkpoint record, read only for jobs marked checkpointed. LIMIT
 * keeps the subquery a per-row probe behind a one-time filter on the flag: flattened into a join,
 * a generic plan made while the journal was small hashed every checkpoint of the table on each claim.
 */
export function withCheckpoints(t: SchemaNames, source: string): string {
  return `SELECT c.*, ${CHECKPOINT_COLUMNS.map((col) => `cp.${col}`).join(', ')} FROM ${source} c
      LEFT JOIN LATERAL (SELECT ${CHECKPOINT_COLUMNS.join(', ')} FROM ${t.steps} s
        WHERE c.checkpointed AND s.job_id = c.id AND s.step_id = ${CHECKPOINT_LITERAL} LIMIT 1) cp ON true`;
}

export function claimParams(request: ClaimRequest): unknown[] {
  return [request.now, request.queues, request.limit, request.workerId, request.now + request.leaseMs, request.workerTags ?? []];
}

/**
 * The rows a claim statement returns, in array mode: the claimed jobs (kind 0, order-key order),
 * then one summary row (kind 1) whose first columns carry the next due time (always null here:
 * scheduled jobs are the stager's, and flow wake-ups come from the gated claim), for settleAndClaim
 * the settled and cancelled-instead ids as comma-separated text and the breaker changes as JSON,
 * whether the claim needs the flow gate instead (1), how many settled jobs had a concurrency key, and
 * the earliest run time among settled jobs that became scheduled as text (for the stager's due signal).
 */
export function claimSelect(
  settledIds = 'NULL::text',
  cancelledIds = 'NULL::text',
  breakerChanges = 'NULL::text',
  freed = '0',
  scheduledAt = 'NULL::text',
): string {
  const columns = [...CLAIMED_COLUMNS, ...CHECKPOINT_COLUMNS];
  const padding = columns.slice(7).map(() => 'NULL').join(', ');
  return `SELECT * FROM (
        SELECT 0 AS kind, ${columns.join(', ')}, order_key FROM claimed_full
        UNION ALL
        SELECT 1, NULL::bigint, ${settledIds}, ${cancelledIds}, ${breakerChanges}, (SELECT gated::int FROM flow), ${freed}, ${scheduledAt}, ${padding}, NULL
      ) rows ORDER BY kind, order_key, id`;
}

export interface ClaimRows {
  claim: ClaimResult;
  /** the statement claimed nothing: the claim must go through the flow gate (flow-claim.ts) */
  gated: boolean;
  settledIds: string[];
  cancelledIds: string[];
  breakerChanges: BreakerChange[];
  /** settled jobs that had a concurrency key (their slots are free) */
  freedSlots: number;
  /** the earliest run time of settled jobs that became scheduled, or null */
  scheduledAt: number | null;
}

/** Splits the result rows into claimed jobs and the trailing summary row. */
export function fromRows(rows: unknown[][]): ClaimRows {
  const summary = rows[rows.length - 1] as unknown[];
  const ids = (text: unknown): string[] => (typeof text === 'string' && text !== '' ? text.split(',') : []);
  return {
    claim: { jobs: rows.slice(0, -1).map((row) => toClaimed(row.slice(1))), nextDueAt: (summary[1] as number | null) ?? null },
    gated: summary[5] === 1,
    settledIds: ids(summary[2]),
    cancelledIds: ids(summary[3]),
    breakerChanges: typeof summary[4] === 'string' ? (JSON.parse(summary[4]) as BreakerChange[]) : [],
    freedSlots: (summary[6] as number | null) ?? 0,
    scheduledAt: typeof summary[7] === 'string' ? Number(summary[7]) : null,
  };
}

/** The plain claim statement; its result says when the claim needs the flow gate instead. */
export function createClaim(t: SchemaNames) {
  const statement = { name: `${t.prefix}claim`, text: `WITH ${claimCtes(t)} ${claimSelect()}`, rowMode: 'array' as const };
  return async (db: Queryable, request: ClaimRequest): Promise<{ claim: ClaimResult; gated: boolean }> => {
    const { rows } = await db.query<unknown[]>({ ...statement, values: claimParams(request) });
    const { claim, gated } = fromRows(rows as unknown[][]);
    return { claim, gated };
  };
}
