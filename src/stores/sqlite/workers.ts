import type { WorkerRecord } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';

interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  queues: string;
  tags: string;
  concurrency: number;
  autoscale: string | null;
  state: WorkerRecord['state'];
  started_at: number;
  heartbeat_at: number;
  dead_after_ms: number;
  running: number;
}

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
      save.run({
        ...worker,
        queues: JSON.stringify(worker.queues),
        tags: JSON.stringify(worker.tags),
        autoscale: worker.autoscale === null ? null : JSON.stringify(worker.autoscale),
      });
    },
    listWorkers: (): WorkerRecord[] =>
      (list.all() as WorkerRow[]).map((r) => ({
        id: r.id,
        host: r.host,
        pid: r.pid,
        queues: JSON.parse(r.queues) as string[],
        tags: JSON.parse(r.tags) as string[],
        concurrency: r.concurrency,
        autoscale: r.autoscale === null ? null : (JSON.parse(r.autoscale) as { min: number; max: number }),
        state: r.state,
        startedAt: r.started_at,
        heartbeatAt: r.heartbeat_at,
        deadAfterMs: r.dead_after_ms,
        running: r.running,
      })),
    reapWorkers: (now: number, forgetBefore: number): string[] => reap.immediate(now, forgetBefore),
  };
}
