import type { WorkerRecord } from './types.js';

/** A worker registry row as the SQL drivers store it (lists and objects as JSON text). */
export interface WorkerRow {
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

export const workerFromRow = (r: WorkerRow): WorkerRecord => ({
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
});

/** The record's JSON-text columns, as stored. */
export const workerJsonColumns = (w: WorkerRecord) => ({
  queues: JSON.stringify(w.queues),
  tags: JSON.stringify(w.tags),
  autoscale: w.autoscale === null ? null : JSON.stringify(w.autoscale),
});
