import { NotFoundError } from '../../core/errors.js';
import type { BreakerConfig, FlowLimit } from '../../core/flow.js';
import type { FlowChange, FlowSnapshot } from '../../store/types.js';
import { breakerFromRow, type BreakerRow } from '../../store/breaker-rows.js';
import type { Queryable } from './connection.js';
import { flowNames, KEYED, PLAIN, TAGGED } from './flow-names.js';
import type { SchemaNames } from './sql.js';



/**
 * Operator changes to flow control (limits, queue pause, breakers) and their read-back. A change
 * runs in the caller's transaction under the flow gate lock (see flow-claim.ts), so no gated claim
 * decides on half of it.
 */
export function createFlowControl(t: SchemaNames) {
  const f = flowNames(t);
  const setLimit = `INSERT INTO ${f.limits} (key, concurrency, rate_count, rate_interval_ms, updated_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (key) DO UPDATE SET concurrency = excluded.concurrency, rate_count = excluded.rate_count,
      rate_interval_ms = excluded.rate_interval_ms, updated_at = excluded.updated_at`;
  const deleteLimit = `DELETE FROM ${f.limits} WHERE key = $1`;
  const forgetStarts = `DELETE FROM ${f.rateStarts} WHERE key = $1`;
  const setPaused = `INSERT INTO ${f.queues} (queue, paused, changed_at) VALUES ($1, $2, $3)
    ON CONFLICT (queue) DO UPDATE SET paused = excluded.paused, changed_at = excluded.changed_at`;
  const configure = `INSERT INTO ${f.breakers} (key, failure_threshold, error_rate, window_ms, min_calls, cooldown_ms, changed_at, window_start)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
    ON CONFLICT (key) DO UPDATE SET failure_threshold = excluded.failure_threshold, error_rate = excluded.error_rate,
      window_ms = excluded.window_ms, min_calls = excluded.min_calls, cooldown_ms = excluded.cooldown_ms`;
  const reset = `UPDATE ${f.breakers} SET state = 'closed', consecutive_failures = 0, window_start = $2, window_calls = 0,
    window_failures = 0, opened_at = NULL, probe_job_id = NULL, changed_at = $2, reason = 'reset by request' WHERE key = $1`;
  // one count per partial index, so each is an index range scan
  const depth = {
    name: `${t.prefix}flow_queue_depth`,
    text: `SELECT ${[PLAIN, KEYED, TAGGED]
      .map((predicate) => `(SELECT count(*) FROM ${t.jobs} WHERE state = 'queued' AND ${predicate} AND queue = ANY($1::text[]))`)
      .join(' + ')} AS n`,
  };

  const run = async (db: Queryable, text: string, values: unknown[]): Promise<number> => (await db.query({ text, values })).rowCount ?? 0;

  return {
    async controlFlow(db: Queryable, change: FlowChange, now: number): Promise<void> {
      await db.query(f.gateLock);
      switch (change.type) {
        case 'setLimit': {
          const { key, concurrency, rate } = change.limit;
          await run(db, setLimit, [key, concurrency, rate?.count ?? null, rate?.intervalMs ?? null, now]);
          if (!rate) await run(db, forgetStarts, [key]);
          return;
        }
        case 'deleteLimit':
          if ((await run(db, deleteLimit, [change.key])) === 0) throw new NotFoundError(`no limit with key ${JSON.stringify(change.key)}`, { key: change.key });
          await run(db, forgetStarts, [change.key]);
          return;
        case 'pauseQueue':
        case 'resumeQueue':
          await run(db, setPaused, [change.queue, change.type === 'pauseQueue', now]);
          return;
        case 'configureBreaker': {
          const c: BreakerConfig = change.config;
          await run(db, configure, [change.key, c.failureThreshold, c.errorRate, c.windowMs, c.minCalls, c.cooldownMs, now]);
          return;
        }
        case 'resetBreaker':
          if ((await run(db, reset, [change.key, now])) === 0) throw new NotFoundError(`no breaker with key ${JSON.stringify(change.key)}`, { key: change.key });
          return;
      }
    },

    async readFlow(db: Queryable): Promise<FlowSnapshot> {
      const limits = await db.query<{ key: string; concurrency: number | null; rate_count: number | null; rate_interval_ms: number | null }>(
        `SELECT key, concurrency, rate_count, rate_interval_ms FROM ${f.limits} ORDER BY key COLLATE "C"`,
      );
      const queues = await db.query<{ queue: string; paused: boolean; changed_at: number }>(`SELECT queue, paused, changed_at FROM ${f.queues} ORDER BY queue COLLATE "C"`);
      const breakers = await db.query<BreakerRow>(`SELECT * FROM ${f.breakers} ORDER BY key COLLATE "C"`);
      return {
        limits: limits.rows.map(
          (r): FlowLimit => ({
            key: r.key,
            concurrency: r.concurrency,
            rate: r.rate_count === null || r.rate_interval_ms === null ? null : { count: r.rate_count, intervalMs: r.rate_interval_ms },
          }),
        ),
        queues: queues.rows.map((r) => ({ queue: r.queue, paused: r.paused, changedAt: r.changed_at })),
        breakers: breakers.rows.map(breakerFromRow),
      };
    },

    async queueDepth(db: Queryable, queues: readonly string[]): Promise<number> {
      if (queues.length === 0) return 0;
      return Number((await db.query<{ n: number }>({ ...depth, values: [queues] })).rows[0]?.n ?? 0);
    },
  };
}
