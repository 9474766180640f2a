import { StoreError } from '../../core/errors.js';
import type { EnqueueResult, JobState, NewJob } from '../../core/job.js';
import type { Queryable } from './connection.js';
import { createFairness } from './fairness.js';
import { initialHistory } from './history.js';
import type { SchemaNames } from './sql.js';

/**
 * Column arrays for one `unnest`: the whole batch is one statement whatever its size. `turns`
 * holds the fairness turn of each grouped job waiting now (see fairness.ts), else null.
 */
function columns(jobs: readonly NewJob[], now: number, turns: readonly (number | null)[]) {
  const n = jobs.length;
  const cols = {
    queue: new Array<string>(n),
    name: new Array<string>(n),
    payload: new Array<string>(n),
    priority: new Array<number>(n),
    runAt: new Array<number>(n),
    maxAttempts: new Array<number>(n),
    backoff: new Array<string>(n),
    timeoutMs: new Array<number | null>(n),
    deadLetter: new Array<boolean>(n),
    tags: new Array<string | null>(n),
    key: new Array<string | null>(n),
    keyExpiresAt: new Array<number | null>(n),
    budget: new Array<string | null>(n),
    orderKey: new Array<number>(n),
    lead: new Array<number>(n),
    group: new Array<string | null>(n),
    concurrency: new Array<string | null>(n),
    rate: new Array<string | null>(n),
    breaker: new Array<string | null>(n),
    requiredTags: new Array<string | null>(n),
    traceParent: new Array<string | null>(n),
  };
  // Backoff policies repeat across a batch; serialize each distinct object once.
  let lastBackoff: object | null = null;
  let lastBackoffJson = '';
  jobs.forEach((job, i) => {
    if (job.backoff !== lastBackoff) {
      lastBackoff = job.backoff;
      lastBackoffJson = JSON.stringify(job.backoff);
    }
    cols.queue[i] = job.queue;
    cols.name[i] = job.name;
    cols.payload[i] = job.payloadJson;
    cols.priority[i] = job.priority;
    cols.runAt[i] = job.runAt;
    cols.maxAttempts[i] = job.maxAttempts;
    cols.backoff[i] = lastBackoffJson;
    cols.timeoutMs[i] = job.timeoutMs;
    cols.deadLetter[i] = job.deadLetter;
    cols.tags[i] = job.tags.length ? JSON.stringify(job.tags) : null;
    cols.key[i] = job.idempotencyKey;
    cols.keyExpiresAt[i] = job.idempotencyKey === null ? null : now + job.idempotencyTtlMs;
    cols.budget[i] = job.budgetJson;
    const lead = job.priorityLeadMs ?? 0;
    cols.lead[i] = lead;
    cols.orderKey[i] = (turns[i] ?? job.runAt) - lead;
    cols.group[i] = job.groupKey ?? null;
    cols.concurrency[i] = job.concurrencyKey ?? null;
    cols.rate[i] = job.rateKey ?? null;
    cols.breaker[i] = job.breakerKey ?? null;
    cols.requiredTags[i] = job.requiredTags?.length ? JSON.stringify(job.requiredTags) : null;
    cols.traceParent[i] = job.traceParent ?? null;
  });
  return [
    now, cols.queue, cols.name, cols.payload, cols.priority, cols.runAt, cols.maxAttempts, cols.backoff, cols.timeoutMs, cols.deadLetter, cols.tags,
    cols.key, cols.keyExpiresAt, cols.budget, cols.orderKey, cols.lead, cols.group, cols.concurrency, cols.rate, cols.breaker, cols.requiredTags, cols.traceParent,
  ];
}

/**
 * One INSERT ... SELECT FROM unnest(...) for the batch, in input order (identity values are drawn
 * in that order, so sorting the returned ids restores it). `notify` adds a NOTIFY delivered at
 * commit (when the jobs become visible): for enqueues inside a caller's own transaction, and for
 * the store's own enqueues when no other is in flight in the process; overlapping ones notify
 * after their commit instead (see notifier.ts and PostgresStoreCore.enqueue).
 */
function insertSql(t: SchemaNames, onConflict: string, notify: boolean): string {
  return `WITH input AS (
      SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::int[], $8::text[], $9::bigint[],
        $10::boolean[], $11::text[], $12::text[], $13::bigint[], $14::text[],
        $15::bigint[], $16::bigint[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[]) WITH ORDINALITY
        AS i(queue, name, payload, priority, run_at, max_attempts, backoff, timeout_ms, dead_letter, tags, key, key_expires_at, budget,
          order_key, lead, group_key, concurrency_key, rate_key, breaker_key, required_tags, trace_parent, ord)
    ), inserted AS (
      INSERT INTO ${t.jobs} (queue, name, payload, state, priority, run_at, max_attempts, backoff, timeout_ms, dead_letter, tags,
        idempotency_key, idempotency_expires_at, created_at, updated_at, history, budget,
        order_key, priority_lead_ms, group_key, concurrency_key, rate_key, breaker_key, required_tags, trace_parent)
      SELECT queue, name, payload, CASE WHEN run_at > $1 THEN 'scheduled' ELSE 'queued' END, priority, run_at, max_attempts, backoff,
        timeout_ms, dead_letter, tags::jsonb, key, key_expires_at, $1, $1,
        ${initialHistory('$1::bigint', "CASE WHEN run_at > $1 THEN 'scheduled' ELSE 'queued' END")}, budget,
        order_key, lead, group_key, concurrency_key, rate_key, breaker_key,
        CASE WHEN required_tags IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text(required_tags::jsonb)) END, trace_parent
      FROM input ORDER BY ord
      ${onConflict}
      RETURNING id, state, idempotency_key, run_at
    )
    SELECT id, state, idempotency_key${notify ? dueInStatement(t) : ''} FROM inserted${notify ? `, (SELECT pg_notify('${t.channel}', '')) AS wake` : ''}`;
}

/** A caller's transaction: the stager learns of delayed jobs when it commits (see due-notifier.ts). */
function dueInStatement(t: SchemaNames): string {
  return `, (SELECT pg_notify('${t.dueChannel}', min(run_at)::text) FROM inserted WHERE state = 'scheduled' HAVING count(*) > 0) AS due_wake`;
}

interface InsertedRow {
  id: number;
  state: JobState;
  idempotency_key: string | null;
}

/** `notifyInStatement`: the statements notify at their commit (see insertSql). */
export function createEnqueue(t: SchemaNames, notifyInStatement: boolean) {
  const assignTurns = createFairness(t);
  /** Fairness turns of the grouped jobs that wait now (none: no query, no transaction needed). */
  const turnsOf = async (db: Queryable, jobs: readonly NewJob[], now: number): Promise<(number | null)[]> => {
    const grouped = jobs.flatMap((job, i) => (job.groupKey != null && job.runAt <= now ? [i] : []));
    const turns: (number | null)[] = jobs.map(() => null);
    if (grouped.length === 0) return turns;
    const assigned = await assignTurns(
      db,
      grouped.map((i) => {
        const job = jobs[i] as NewJob;
        return { queue: job.queue, group: job.groupKey as string, eligibleAt: job.runAt };
      }),
    );
    grouped.forEach((index, k) => (turns[index] = assigned[k] as number));
    return turns;
  };
  const suffix = notifyInStatement ? '_notify' : '';
  const plain = { name: `${t.prefix}enqueue${suffix}`, text: insertSql(t, '', notifyInStatement) };
  const keyed = {
    name: `${t.prefix}enqueue_keyed${suffix}`,
    text: insertSql(t, 'ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING', notifyInStatement),
  };
  const forgetExpired = {
    name: `${t.prefix}forget_expired_keys`,
    text: `UPDATE ${t.jobs} SET idempotency_key = NULL, idempotency_expires_at = NULL
      WHERE idempotency_key = ANY($1::text[]) AND idempotency_expires_at <= $2`,
  };
  const byKeys = {
    name: `${t.prefix}jobs_by_keys`,
    text: `SELECT id, state, idempotency_key FROM ${t.jobs} WHERE idempotency_key = ANY($1::text[])`,
  };

  const insertPlain = async (db: Queryable, jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> => {
    const { rows } = await db.query<InsertedRow>({ ...plain, values: columns(jobs, now, jobs.map(() => null)) });
    rows.sort((a, b) => a.id - b.id);
    return rows.map((r) => ({ id: String(r.id), state: r.state, deduplicated: false }));
  };

  /**
   * With idempotency keys or fairness groups: forget expired keys, give grouped jobs that wait now
   * their group's turn (fairness.ts; a job skipped as a duplicate below still used up its turn,
   * which only spaces its group out by 1ms), insert the first job of each key unless its key
   * exists (ON CONFLICT waits for a concurrent insert of the same key, then skips), and answer the
   * skipped ones with the job that holds the key. Runs inside one transaction (the caller's).
   */
  const insertKeyed = async (db: Queryable, jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> => {
    const firstOfKey = new Map<string, number>();
    const unique: NewJob[] = [];
    const slot: number[] = []; // input index -> index in `unique`, or -1 for a repeated key
    for (const job of jobs) {
      const key = job.idempotencyKey;
      if (key !== null && firstOfKey.has(key)) {
        slot.push(-1);
        continue;
      }
      if (key !== null) firstOfKey.set(key, unique.length);
      slot.push(unique.length);
      unique.push(job);
    }
    const keys = [...firstOfKey.keys()];
    if (keys.length) await db.query({ ...forgetExpired, values: [keys, now] });
    const { rows } = await db.query<InsertedRow>({ ...keyed, values: columns(unique, now, await turnsOf(db, unique, now)) });
    rows.sort((a, b) => a.id - b.id);
    const insertedKeys = new Set(rows.flatMap((r) => (r.idempotency_key === null ? [] : [r.idempotency_key])));
    const existing = new Map<string, InsertedRow>();
    const missing = keys.filter((k) => !insertedKeys.has(k));
    if (missing.length) {
      for (const row of (await db.query<InsertedRow>({ ...byKeys, values: [missing] })).rows) existing.set(row.idempotency_key as string, row);
    }
    const uniqueResults: EnqueueResult[] = [];
    let next = 0;
    for (const job of unique) {
      const key = job.idempotencyKey;
      const held = key === null ? undefined : existing.get(key);
      if (key !== null && !held && !insertedKeys.has(key)) {
        throw new StoreError(`enqueue: the job holding idempotency key ${JSON.stringify(key)} vanished while enqueueing; try again`);
      }
      if (held) {
        uniqueResults.push({ id: String(held.id), state: held.state, deduplicated: true });
        continue;
      }
      const row = rows[next++];
      if (!row) throw new Error(`enqueue: the database returned fewer rows than jobs inserted (key ${String(key)})`);
      uniqueResults.push({ id: String(row.id), state: row.state, deduplicated: false });
    }
    return jobs.map((job, i) => {
      const own = slot[i] as number;
      if (own >= 0) return uniqueResults[own] as EnqueueResult;
      const first = uniqueResults[firstOfKey.get(job.idempotencyKey as string) as number] as EnqueueResult;
      return { ...first, deduplicated: true };
    });
  };

  return {
    /** True when the batch needs the keyed path (and so a transaction): idempotency keys or fairness groups. */
    needsTransaction: (jobs: readonly NewJob[]): boolean => jobs.some((j) => j.idempotencyKey !== null || j.groupKey != null),
    insertPlain,
    insertKeyed,
  };
}
