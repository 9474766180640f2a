import type { Statement } from 'better-sqlite3';
import type { BackoffPolicy } from '../../core/backoff.js';
import type { Budget } from '../../core/budget.js';
import { CHECKPOINT_STEP_ID, checkpointFromRecord } from '../../store/journal.js';
import type { ClaimedJob, ClaimRequest, ClaimResult, StepRecord, StoredCheckpoint } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { createFairness } from './fairness.js';
import type { Blocked } from '../../store/flow-admission.js';
import { createFlowGate, type FlowGate } from './flow-gate.js';
import { decodeFlowKeys, flowKey } from './flow-keys.js';
import { appendHistory } from './history.js';
import { parseBackoff } from './rows.js';

// Selected in raw (array) mode: materializing rows as arrays is markedly cheaper than as objects.
const COLUMNS = [
  'id', 'queue', 'name', 'payload', 'attempt', 'max_attempts', 'backoff', 'timeout_ms', 'dead_letter', 'tags',
  'created_at', 'checkpointed', 'budget',
  // order_key stays last: the untagged select drops it (COLUMNS.slice(0, -1))
  'flow_keys', 'trace_parent', 'order_key',
] as const;
type RawRow = [number, string, string, string, number, number, string, number | null, number, string | null, number, number, string | null, string | null, string | null, number];
const CHECKPOINTED = COLUMNS.indexOf('checkpointed');
const FLOW_KEYS = COLUMNS.indexOf('flow_keys');
const TRACE_PARENT = COLUMNS.indexOf('trace_parent');
type CheckpointRow = Pick<StepRecord, 'stepId' | 'token' | 'outputJson' | 'outputGzip'>;

/** Claimed ids are updated CHUNK at a time by one statement; unused slots are padded with id -1. */
const CHUNK = 64;

function toClaimed(row: RawRow, checkpoint: StoredCheckpoint | null): ClaimedJob {
  const [id, queue, name, payloadJson, attempt, maxAttempts, backoff, timeoutMs, deadLetter, tags, createdAt, , budget] = row;
  return {
    id: String(id),
    queue,
    name,
    payloadJson,
    attempt: attempt + 1,
    maxAttempts,
    backoff: parseBackoff(backoff) as BackoffPolicy,
    timeoutMs,
    deadLetter: deadLetter === 1,
    tags: tags === null ? [] : (JSON.parse(tags) as string[]),
    createdAt,
    checkpoint,
    budget: budget === null ? null : (JSON.parse(budget) as Budget),
    traceParent: row[TRACE_PARENT] as string | null,
  };
}

// Skips jobs whose key cannot admit more in this claim (filled in after a first pass met them).
// (Keys are never empty, so '' stands for "no key".)
const NOT_BLOCKED = `
  AND (flow_keys IS NULL OR (coalesce(${flowKey('c')}, '') NOT IN (SELECT value FROM json_each(@blockedConcurrency))
    AND coalesce(${flowKey('r')}, '') NOT IN (SELECT value FROM json_each(@blockedRate))
    AND coalesce(${flowKey('b')}, '') NOT IN (SELECT value FROM json_each(@blockedBreaker))))`;

/**
 * One IMMEDIATE transaction: stage due scheduled jobs to queued, read the queued jobs of the
 * selected (unpaused) queues in order-key order (priority with aging, fairness groups), let the flow
 * gate decide on jobs that carry keys, and lease the admitted ones to the worker. The write lock is
 * held throughout, so no other process can claim the same rows or exceed a limit in between.
 * Jobs without keys or tags never touch the gate.
 */
export function createClaim(db: SqliteDatabase) {
  const stageDue = db.prepare(
    `UPDATE tw_jobs SET state = 'queued', ${appendHistory("'queued'", 'attempt', "'due'")}, order_key = run_at - priority_lead_ms, updated_at = @now
    WHERE state = 'scheduled' AND run_at <= @now`,
  );
  // A grouped job that falls due takes its group's next turn, as it would have at enqueue.
  const dueGrouped = db.prepare(`SELECT id, queue, ${flowKey('g')} AS group_key, run_at, priority_lead_ms FROM tw_jobs
    WHERE state = 'scheduled' AND run_at <= @now AND flow_keys IS NOT NULL AND ${flowKey('g')} IS NOT NULL`);
  const stageGrouped = db.prepare(
    `UPDATE tw_jobs SET state = 'queued', ${appendHistory("'queued'", 'attempt', "'due'")}, order_key = @orderKey, updated_at = @now
    WHERE id = @id AND state = 'scheduled'`,
  );
  const fairness = createFairness(db);
  const nextDue = db.prepare("SELECT min(run_at) AS at FROM tw_jobs WHERE state = 'scheduled'").pluck();
  const idKeys = Array.from({ length: CHUNK }, (_, i) => `id${i}`);
  const slots = idKeys.map((key) => `@${key}`).join(', ');
  const lease = db.prepare(`
    UPDATE tw_jobs SET state = 'running', ${appendHistory("'running'", 'attempt + 1', '@workerId')}, attempt = attempt + 1,
      worker_id = @workerId, lease_expires_at = @leaseUntil, started_at = @now, updated_at = @now
    WHERE id IN (${slots}) AND state = 'queued'`);
  const openGate = createFlowGate(db);
  const statements = new Map<string, Statement>();
  // read from the journal only for jobs marked `checkpointed`
  const checkpointOf = db.prepare(
    `SELECT step_id AS stepId, token, output AS outputJson, output_gzip AS outputGzip FROM tw_steps WHERE job_id = ? AND step_id = '${CHECKPOINT_STEP_ID}'`,
  );
  const resumeFrom = (row: RawRow): StoredCheckpoint | null => {
    if (row[CHECKPOINTED] !== 1) return null;
    const record = checkpointOf.get(row[0]) as CheckpointRow | undefined;
    return record ? checkpointFromRecord(record) : null;
  };

  const cached = (key: string, sql: () => string): Statement => {
    let statement = statements.get(key);
    if (!statement) statements.set(key, (statement = db.prepare(sql()).raw(true)));
    return statement;
  };
  const queueList = (count: number) => Array.from({ length: count }, (_, i) => `@q${i}`).join(', ');

  /** Paused queues and queues with a limit of their own, among the selected ones (usually none). */
  const queueFlags = (count: number) =>
    cached(`flags:${count}`, () => `SELECT queue, 'paused' FROM tw_queues WHERE paused = 1 AND queue IN (${queueList(count)})
      UNION ALL SELECT substr(key, 7), 'limited' FROM tw_limits WHERE key IN (${Array.from({ length: count }, (_, i) => `'queue:' || @q${i}`).join(', ')})`);

  const select = (count: number, tagged: boolean, filtered: boolean) =>
    cached(`select:${count}:${tagged}:${filtered}`, () => {
      const where = `state = 'queued' AND queue IN (${queueList(count)})${filtered ? NOT_BLOCKED : ''}`;
      // order_key is selected only to merge the two halves of the tagged form
      const columns = (tagged ? COLUMNS : COLUMNS.slice(0, -1)).join(', ');
      const plain = `SELECT ${columns} FROM tw_jobs WHERE ${where} AND required_tags IS NULL ORDER BY order_key, id LIMIT @limit`;
      if (!tagged) return plain;
      // jobs needing tags: only those whose every required tag this worker has
      const fits = `SELECT ${columns} FROM tw_jobs WHERE ${where} AND required_tags IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM json_each(required_tags) r WHERE r.value NOT IN (SELECT value FROM json_each(@workerTags)))
        ORDER BY order_key, id LIMIT @limit`;
      return `SELECT * FROM (${plain}) UNION ALL SELECT * FROM (${fits}) ORDER BY order_key, id LIMIT @limit`;
    });

  const leaseRows = (rows: RawRow[], request: ClaimRequest): void => {
    for (let start = 0; start < rows.length; start += CHUNK) {
      const params: Record<string, unknown> = { workerId: request.workerId, leaseUntil: request.now + request.leaseMs, now: request.now };
      for (let i = 0; i < CHUNK; i++) params[idKeys[i] as string] = rows[start + i]?.[0] ?? -1;
      lease.run(params);
    }
  };

  const selectRows = (queues: readonly string[], request: ClaimRequest, want: number, blocked: Blocked | null): RawRow[] => {
    const tags = request.workerTags ?? [];
    const params: Record<string, unknown> = { limit: want };
    queues.forEach((queue, i) => (params[`q${i}`] = queue));
    if (tags.length) params.workerTags = JSON.stringify(tags);
    if (blocked) {
      params.blockedConcurrency = JSON.stringify([...blocked.concurrency]);
      params.blockedRate = JSON.stringify([...blocked.rate]);
      params.blockedBreaker = JSON.stringify([...blocked.breaker]);
    }
    return select(queues.length, tags.length > 0, blocked !== null).all(params) as RawRow[];
  };

  const claimInTransaction = (request: ClaimRequest): ClaimResult => {
    const { now } = request;
    const grouped = dueGrouped.all({ now }) as { id: number; queue: string; group_key: string; run_at: number; priority_lead_ms: number }[];
    if (grouped.length) {
      fairness.beginBatch();
      for (const row of grouped) {
        const turn = fairness.nextTurn(row.queue, row.group_key, row.run_at);
        stageGrouped.run({ id: row.id, orderKey: turn - row.priority_lead_ms, now });
      }
    }
    stageDue.run({ now });
    let queues: readonly string[] = request.queues;
    const flagParams: Record<string, unknown> = {};
    queues.forEach((queue, i) => (flagParams[`q${i}`] = queue));
    const flags = queueFlags(queues.length).all(flagParams) as [string, 'paused' | 'limited'][];
    const limited = new Set<string>();
    if (flags.length) {
      const paused = new Set(flags.filter(([, flag]) => flag === 'paused').map(([queue]) => queue));
      for (const [queue, flag] of flags) if (flag === 'limited') limited.add(queue);
      queues = queues.filter((queue) => !paused.has(queue));
    }

    const claimed: RawRow[] = [];
    let gate: FlowGate | null = null;
    for (;;) {
      const want = request.limit - claimed.length;
      if (want <= 0 || queues.length === 0) break;
      const rows = selectRows(queues, request, want, gate?.blocked ?? null);
      const admitted: RawRow[] = [];
      let held = false;
      for (const row of rows) {
        const keys = decodeFlowKeys(row[FLOW_KEYS] as string | null);
        if (keys.concurrency === null && keys.rate === null && keys.breaker === null && !limited.has(row[1])) {
          admitted.push(row);
          continue;
        }
        gate ??= openGate(now);
        const fields = { id: row[0], queue: row[1], concurrencyKey: keys.concurrency, rateKey: keys.rate, breakerKey: keys.breaker };
        if (gate.admit(fields)) admitted.push(row);
        else held = true;
      }
      leaseRows(admitted, request);
      claimed.push(...admitted);
      // Held jobs blocked their keys; look again past them, unless every candidate was seen.
      if (!held || rows.length < want || !gate) break;
      const blockedQueues = gate.blocked.queues;
      if (blockedQueues.size) queues = queues.filter((queue) => !blockedQueues.has(queue));
    }

    let nextDueAt: number | null = null;
    if (claimed.length < request.limit) {
      nextDueAt = (nextDue.get() as number | null) ?? null;
      const gateWake = (gate as FlowGate | null)?.wakeAt ?? null;
      if (gateWake !== null) nextDueAt = nextDueAt === null ? gateWake : Math.min(nextDueAt, gateWake);
    }
    const result: ClaimResult = { jobs: claimed.map((row) => toClaimed(row, resumeFrom(row))), nextDueAt };
    const changes = (gate as FlowGate | null)?.breakerChanges;
    if (changes?.length) result.breakerChanges = changes;
    return result;
  };
  const claimTx = db.transaction(claimInTransaction);

  return {
    claim: (request: ClaimRequest): ClaimResult => claimTx.immediate(request),
    /** for callers that already hold a transaction (nesting would add a savepoint per call) */
    claimInTransaction,
  };
}
