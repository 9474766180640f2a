import type { ClaimRequest, ClaimResult } from '../../store/types.js';
import { withCheckpoints } from './claim.js';
import type { Queryable } from './connection.js';
import type { Blocked, FlowFields } from '../../store/flow-admission.js';
import { createFlowGate, type FlowGate } from './flow-gate.js';
import { flowNames, KEYED, PLAIN, TAGGED } from './flow-names.js';
import { appendHistory, historyLine } from './history.js';
import { CHECKPOINT_COLUMNS, CLAIMED_COLUMNS, toClaimed } from './rows.js';
import type { SchemaNames } from './sql.js';

interface Candidate {
  id: number;
  queue: string;
  concurrency_key: string | null;
  rate_key: string | null;
  breaker_key: string | null;
}

// Skips jobs whose key cannot admit more in this claim (filled in after a first pass met them).
const NOT_BLOCKED = `(concurrency_key IS NULL OR concurrency_key <> ALL($4::text[]))
  AND (rate_key IS NULL OR rate_key <> ALL($5::text[])) AND (breaker_key IS NULL OR breaker_key <> ALL($6::text[]))`;

/**
 * The claim through the flow gate, for claims the plain statement hands over (see claim.ts): one
 * transaction (the caller's) under the schema's flow gate lock, a transaction-scoped advisory lock
 * that only gated claims and flow changes take, so every decision about a limit, a rate window or
 * a breaker is made on state that includes every earlier decision, whichever process made it.
 * Plain claims never take it. Steps (due scheduled jobs are staged by the elected stager, stage.ts):
 * read the queued candidates of the selected, unpaused queues in order-key order from the three partial
 * indexes (plain, keyed, and tagged ones this worker's tags cover), locking them with SKIP LOCKED;
 * let the gate decide on keyed jobs and jobs of limited queues; lease the admitted ones; look again
 * past held jobs while the batch is not full.
 */
export function createFlowClaim(t: SchemaNames) {
  const f = flowNames(t);
  const openGate = createFlowGate(t);
  const flags = {
    name: `${t.prefix}flow_queue_flags`,
    text: `SELECT queue, 'paused' AS flag FROM ${f.queues} WHERE paused AND queue = ANY($1::text[])
      UNION ALL SELECT substr(key, 7), 'limited' FROM ${f.limits} WHERE key IN (SELECT 'queue:' || q FROM unnest($1::text[]) AS q)`,
  };
  // Each index's head is locked as it is read (SKIP LOCKED), so rows that racing claims hold are
  // passed over instead of filling the batch; the best `limit` of the locked rows are the candidates.
  const head = (alias: string, predicate: string, extra = '') =>
    `SELECT * FROM (SELECT id, queue, concurrency_key, rate_key, breaker_key, order_key FROM ${t.jobs}
        WHERE state = 'queued' AND ${predicate} AND queue = q.name${extra} ORDER BY order_key, id LIMIT $2 FOR UPDATE SKIP LOCKED) ${alias}`;
  const candidates = {
    name: `${t.prefix}flow_candidates`,
    text: `SELECT c.id, c.queue, c.concurrency_key, c.rate_key, c.breaker_key FROM unnest($1::text[]) AS q(name) CROSS JOIN LATERAL (
        ${head('plain', PLAIN)}
        UNION ALL ${head('keyed', KEYED, ` AND ${NOT_BLOCKED}`)}
        UNION ALL ${head('tagged', TAGGED, ` AND required_tags <@ $3::text[] AND ${NOT_BLOCKED}`)}
      ) c ORDER BY c.order_key, c.id LIMIT $2`,
  };
  const runningFrom = historyLine('$2::bigint', "'queued'", "'running'", 'j.attempt + 1', '$3::text');
  const lease = {
    name: `${t.prefix}flow_lease`,
    text: `WITH claimed AS (
        UPDATE ${t.jobs} j SET state = 'running', ${appendHistory('j.history', runningFrom)}, attempt = j.attempt + 1, worker_id = $3,
          lease_expires_at = $4, started_at = $2, updated_at = $2
        WHERE j.id = ANY($1::bigint[]) AND j.state = 'queued'
        RETURNING ${CLAIMED_COLUMNS.map((c) => `j.${c}`).join(', ')}, j.order_key
      ), claimed_full AS (${withCheckpoints(t, 'claimed')})
      SELECT ${[...CLAIMED_COLUMNS, ...CHECKPOINT_COLUMNS].join(', ')} FROM claimed_full ORDER BY order_key, id`,
    rowMode: 'array' as const,
  };

  const select = async (db: Queryable, queues: readonly string[], request: ClaimRequest, want: number, blocked: Blocked | null): Promise<Candidate[]> => {
    const list = (set: Set<string> | undefined) => (set ? [...set] : []);
    const values = [queues, want, request.workerTags ?? [], list(blocked?.concurrency), list(blocked?.rate), list(blocked?.breaker)];
    return (await db.query<Candidate>({ ...candidates, values })).rows;
  };

  /** Runs inside the caller's transaction. */
  return async function claimThroughGate(db: Queryable, request: ClaimRequest): Promise<ClaimResult> {
    const { now } = request;
    await db.query(f.gateLock);
    let queues: readonly string[] = request.queues;
    const limited = new Set<string>();
    const flagRows = (await db.query<{ queue: string; flag: 'paused' | 'limited' }>({ ...flags, values: [queues] })).rows;
    const paused = new Set(flagRows.filter((r) => r.flag === 'paused').map((r) => r.queue));
    for (const row of flagRows) if (row.flag === 'limited') limited.add(row.queue);
    queues = queues.filter((queue) => !paused.has(queue));

    const claimedRows: unknown[][] = [];
    const gate: FlowGate = openGate(now);
    let gateUsed = false;
    for (;;) {
      const want = request.limit - claimedRows.length;
      if (want <= 0 || queues.length === 0) break;
      const rows = await select(db, queues, request, want, gateUsed ? gate.blocked : null);
      const fields = (row: Candidate): FlowFields => ({
        id: row.id, queue: row.queue, concurrencyKey: row.concurrency_key, rateKey: row.rate_key, breakerKey: row.breaker_key,
      });
      const gated = rows.filter((row) => row.concurrency_key !== null || row.rate_key !== null || row.breaker_key !== null || limited.has(row.queue));
      if (gated.length) {
        gateUsed = true;
        await gate.prepare(db, gated.map(fields));
      }
      const gatedIds = new Set(gated.map((row) => row.id));
      let held = false;
      const admitted: number[] = [];
      for (const row of rows) {
        if (!gatedIds.has(row.id) || gate.admit(fields(row))) admitted.push(row.id);
        else held = true;
      }
      if (admitted.length) {
        const leased = await db.query<unknown[]>({ ...lease, values: [admitted, now, request.workerId, now + request.leaseMs] });
        claimedRows.push(...(leased.rows as unknown[][]));
      }
      // Held jobs blocked their keys; look again past them, unless every candidate was seen.
      if (!held || rows.length < want) break;
      const blockedQueues = gate.blocked.queues;
      if (blockedQueues.size) queues = queues.filter((queue) => !blockedQueues.has(queue));
    }
    await gate.finish(db);

    // when a held job may start (a rate window sliding on, a cool-down ending); scheduled jobs are the stager's
    const nextDueAt = claimedRows.length < request.limit ? gate.wakeAt : null;
    // in the order admitted: order-key order within each look
    const result: ClaimResult = { jobs: claimedRows.map(toClaimed), nextDueAt };
    if (gate.breakerChanges.length) result.breakerChanges = gate.breakerChanges;
    return result;
  };
}
