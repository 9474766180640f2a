import type { WorkerRecord } from '../../store/types.js';
import { workerFromRow, workerJsonColumns, type WorkerRow } from '../../store/worker-rows.js';
import type { Queryable } from './connection.js';
import type { SchemaNames } from './sql.js';


const COLUMNS = 'id, host, pid, queues, tags, concurrency, autoscale, state, started_at, heartbeat_at, dead_after_ms, running';

/**
 * The worker registry: each worker saves its record; heartbeats ride on lease renewals (see
 * `heartbeatCte`, used by running.ts), and the maintenance reaper marks silent workers dead.
 */
export function createWorkerRegistry(t: SchemaNames) {
  const save = {
    name: `${t.prefix}worker_save`,
    text: `INSERT INTO ${t.workers} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
      ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, queues = excluded.queues, tags = excluded.tags,
        concurrency = excluded.concurrency, autoscale = excluded.autoscale, state = excluded.state, started_at = excluded.started_at,
        heartbeat_at = excluded.heartbeat_at, dead_after_ms = excluded.dead_after_ms, running = excluded.running`,
  };
  const list = { name: `${t.prefix}worker_list`, text: `SELECT ${COLUMNS} FROM ${t.workers} ORDER BY started_at, id` };
  // One statement: the silent are marked dead, and stopped or dead workers last seen before the
  // cutoff are forgotten (a silent one past the cutoff too, after being reported dead here).
  const reap = {
    name: `${t.prefix}worker_reap`,
    text: `WITH silent AS (
        SELECT id FROM ${t.workers} WHERE state IN ('running', 'stopping') AND heartbeat_at + dead_after_ms < $1 FOR UPDATE
      ), marked AS (
        UPDATE ${t.workers} w SET state = 'dead' FROM silent WHERE w.id = silent.id AND w.heartbeat_at >= $2
      ), forgotten AS (
        DELETE FROM ${t.workers} WHERE heartbeat_at < $2 AND (state IN ('stopped', 'dead') OR id IN (SELECT id FROM silent))
      )
      SELECT id FROM silent ORDER BY id`,
    rowMode: 'array' as const,
  };

  return {
    async saveWorker(db: Queryable, w: WorkerRecord): Promise<void> {
      const { queues, tags, autoscale } = workerJsonColumns(w);
      await db.query({ ...save, values: [w.id, w.host, w.pid, queues, tags, w.concurrency, autoscale, w.state, w.startedAt, w.heartbeatAt, w.deadAfterMs, w.running] });
    },
    listWorkers: async (db: Queryable): Promise<WorkerRecord[]> =>
      (await db.query<WorkerRow>(list)).rows.map(workerFromRow),
    reapWorkers: async (db: Queryable, now: number, forgetBefore: number): Promise<string[]> =>
      ((await db.query({ ...reap, values: [now, forgetBefore] })).rows as unknown[][]).map((r) => String(r[0])),
  };
}

/**
 * A CTE renewing a worker's heartbeat, for the lease-renewal statement: `worker` and `now` are
 * that statement's parameters. Only a running or stopping worker beats (a dead one stays dead).
 */
export function heartbeatCte(t: SchemaNames, worker: string, now: string): string {
  return `beat AS (UPDATE ${t.workers} SET heartbeat_at = ${now} WHERE id = ${worker} AND state IN ('running', 'stopping'))`;
}
