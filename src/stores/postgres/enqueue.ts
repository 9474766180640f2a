import { StoreError } from '../../core/errors.js';
import type { EnqueueResult, JobState, NewJob } from '../../core/job.js';
import type { Queryable } from './connection.js';
import { initialHistory } from './history.js';
import type { SchemaNames } from './sql.js';

/** Column arrays for one `unnest`: the whole batch is one statement whatever its size. */
function columns(jobs: readonly NewJob[], now: number) {
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
    cols.traceParent[i] = job.traceParent ?? null;
  });
  return [now, cols.queue, cols.name, cols.payload, cols.priority, cols.runAt, cols.maxAttempts, cols.backoff, cols.timeoutMs, cols.deadLetter, cols.tags, cols.key, cols.keyExpiresAt, cols.budget, cols.traceParent];
}

/**
 * One INSERT ... SELECT FROM unnest(...) for the batch, in input order (identity values are drawn
 * in that order, so sorting the returned ids restores it). `notify` adds a NOTIFY delivered at
 * commit, for enqueues inside a caller's own transaction (when the jobs become visible); the
 * store's own enqueues notify after their commit instead (see notifier.ts).
 */
function insertSql(t: SchemaNames, onConflict: string, notify: boolean): string {
  return `WITH input AS (
      SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::int[], $8::text[], $9::bigint[],
        $10::boolean[], $11::text[], $12::text[], $13::bigint[], $14::text[], $15::text[]) WITH ORDINALITY
        AS i(queue, name, payload, priority, run_at, max_attempts, backoff, timeout_ms, dead_letter, tags, key, key_expires_at, budget, trace_parent, ord)
    ), inserted AS (
      INSERT INTO ${t.jobs} (queue, name, payload, state, priority, run_at, max_attempts, backoff, timeout_ms, dead_letter, tags,
        idempotency_key, idempotency_expires_at, created_at, updated_at, history, budget, trace_parent)
      SELECT queue, name, payload, CASE WHEN run_at > $1 THEN 'scheduled' ELSE 'queued' END, priority, run_at, max_attempts, backoff,
        timeout_ms, dead_letter, tags::jsonb, key, key_expires_at, $1, $1,
        ${initialHistory('$1::bigint', "CASE WHEN run_at > $1 THEN 'scheduled' ELSE 'queued' END")}, budget, trace_parent
      FROM input ORDER BY ord
      ${onConflict}
      RETURNING id, state, idempotency_key
    )
    SELECT id, state, idempotency_key FROM inserted${notify ? `, (SELECT pg_notify('${t.channel}', '')) AS wake` : ''}`;
}

interface InsertedRow {
  id: number;
  state: JobState;
  idempotency_key: string | null;
}

/** `notifyInStatement`: true for a store bound to a caller's client (see header). */
export function createEnqueue(t: SchemaNames, notifyInStatement: boolean) {
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
    const { rows } = await db.query<InsertedRow>({ ...plain, values: columns(jobs, now) });
    rows.sort((a, b) => a.id - b.id);
    return rows.map((r) => ({ id: String(r.id), state: r.state, deduplicated: false }));
  };

  /**
   * With idempotency keys: forget expired keys, insert the first job of each key unless its key
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
    await db.query({ ...forgetExpired, values: [keys, now] });
    const { rows } = await db.query<InsertedRow>({ ...keyed, values: columns(unique, now) });
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
    /** True when the batch needs the keyed path (and so a transaction). */
    needsTransaction: (jobs: readonly NewJob[]): boolean => jobs.some((j) => j.idempotencyKey !== null),
    insertPlain,
    insertKeyed,
  };
}
