import type { WorkerRecord } from '../../store/types.js';
import { workerFromRow, workerJsonColumns, type WorkerRow } from '../../store/worker-rows.js';
import type { SqliteDatabase } from './connection.js';


/** The worker registry: each worker saves its record; heartbeats ride on lease renewals (running.ts). */
export function createWorkerRegistry(db: SqliteDatabase) {
  const save = db.prepare(`INSERT OR REPLACE INTO tw_workers (id, host, pid, queues, tags, concurrency, autoscale, state, started_at,
    heartbeat_at, dead_after_ms, running) VALUES (@id, @host, @pid, @queues, @tags, @concurrency, @autoscale, @state, @startedAt,
    @heartbeatAt, @deadAfterMs, @running)`);
  const list = db.prepare('SELECT * FROM tw_workers ORDER BY started_at, id');
  const stale = db.prepare("SELECT id FROM tw_workers WHERE state IN ('running', 'stopping') AND heartbeat_at + dead_after_ms < ?").pluck();
  const markDead = db.prepare("UPDATE tw_workers SET state = 'dead' WHERE id = ?");
  const forget = db.prepare("DELETE FROM tw_workers WHERE state IN ('stopped', 'dead') AND heartbeat_at < ?");

  const reap = db.transaction((now: number, forgetBefore: number): string[] => {
    const ids = stale.all(now) as string[];
    for (const id of ids) markDead.run(id);
    forget.run(forgetBefore);
    return ids;
  });

  return {
    saveWorker(worker: WorkerRecord): void {
      save.run({ ...worker, ...workerJsonColumns(worker) });
    },
    listWorkers: (): WorkerRecord[] =>
      (list.all() as WorkerRow[]).map(workerFromRow),
    reapWorkers: (now: number, forgetBefore: number): string[] => reap.immediate(now, forgetBefore),
  };
}
