import type { Statement } from 'better-sqlite3';
import { NotFoundError } from '../../core/errors.js';
import type { FlowLimit } from '../../core/flow.js';
import type { FlowChange, FlowSnapshot, QueueControl } from '../../store/types.js';
import { createBreakers } from './breakers.js';
import type { SqliteDatabase } from './connection.js';

interface LimitRow {
  key: string;
  concurrency: number | null;
  rate_count: number | null;
  rate_interval_ms: number | null;
}

/** Operator changes to flow control (limits, queue pause, breakers) and their read-back. */
export function createFlowControl(db: SqliteDatabase) {
  const breakers = createBreakers(db);
  const setLimit = db.prepare(`INSERT INTO tw_limits (key, concurrency, rate_count, rate_interval_ms, updated_at) VALUES (@key, @concurrency, @rateCount, @rateIntervalMs, @now)
    ON CONFLICT (key) DO UPDATE SET concurrency = excluded.concurrency, rate_count = excluded.rate_count,
      rate_interval_ms = excluded.rate_interval_ms, updated_at = excluded.updated_at`);
  const deleteLimit = db.prepare('DELETE FROM tw_limits WHERE key = ?');
  const forgetStarts = db.prepare('DELETE FROM tw_rate_starts WHERE key = ?');
  const setPaused = db.prepare(`INSERT INTO tw_queues (queue, paused, changed_at) VALUES (@queue, @paused, @now)
    ON CONFLICT (queue) DO UPDATE SET paused = excluded.paused, changed_at = excluded.changed_at`);
  const limits = db.prepare('SELECT key, concurrency, rate_count, rate_interval_ms FROM tw_limits ORDER BY key');
  const queues = db.prepare('SELECT queue, paused, changed_at FROM tw_queues ORDER BY queue');
  const depthStatements = new Map<number, Statement>();

  const apply = db.transaction((change: FlowChange, now: number): void => {
    switch (change.type) {
      case 'setLimit': {
        const { key, concurrency, rate } = change.limit;
        setLimit.run({ key, concurrency, rateCount: rate?.count ?? null, rateIntervalMs: rate?.intervalMs ?? null, now });
        if (!rate) forgetStarts.run(key);
        return;
      }
      case 'deleteLimit':
        if (deleteLimit.run(change.key).changes === 0) throw new NotFoundError(`no limit with key ${JSON.stringify(change.key)}`, { key: change.key });
        forgetStarts.run(change.key);
        return;
      case 'pauseQueue':
      case 'resumeQueue':
        setPaused.run({ queue: change.queue, paused: change.type === 'pauseQueue' ? 1 : 0, now });
        return;
      case 'configureBreaker':
        breakers.configure(change.key, change.config, now);
        return;
      case 'resetBreaker':
        if (!breakers.reset(change.key, now)) throw new NotFoundError(`no breaker with key ${JSON.stringify(change.key)}`, { key: change.key });
        return;
    }
  });

  return {
    controlFlow: (change: FlowChange, now: number): void => apply.immediate(change, now),
    readFlow(): FlowSnapshot {
      return {
        limits: (limits.all() as LimitRow[]).map(
          (r): FlowLimit => ({
            key: r.key,
            concurrency: r.concurrency,
            rate: r.rate_count === null || r.rate_interval_ms === null ? null : { count: r.rate_count, intervalMs: r.rate_interval_ms },
          }),
        ),
        queues: (queues.all() as { queue: string; paused: number; changed_at: number }[]).map(
          (r): QueueControl => ({ queue: r.queue, paused: r.paused === 1, changedAt: r.changed_at }),
        ),
        breakers: breakers.list(),
      };
    },
    queueDepth(queueNames: readonly string[]): number {
      if (queueNames.length === 0) return 0;
      let statement = depthStatements.get(queueNames.length);
      if (!statement) {
        const list = queueNames.map((_, i) => `@q${i}`).join(', ');
        // one count per partial index, so each is an index range scan
        statement = db.prepare(`SELECT (SELECT count(*) FROM tw_jobs WHERE state = 'queued' AND required_tags IS NULL AND queue IN (${list}))
          + (SELECT count(*) FROM tw_jobs WHERE state = 'queued' AND required_tags IS NOT NULL AND queue IN (${list}))`).pluck();
        depthStatements.set(queueNames.length, statement);
      }
      return statement.get(Object.fromEntries(queueNames.map((queue, i) => [`q${i}`, queue]))) as number;
    },
  };
}
