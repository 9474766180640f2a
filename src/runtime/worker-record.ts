import { hostname } from 'node:os';
import type { WorkerRecord } from '../store/types.js';
import type { CompiledWorkerOptions } from './worker-options.js';

/** What a worker knows of itself at a registry save. */
export interface WorkerSnapshot {
  id: string;
  options: CompiledWorkerOptions;
  concurrency: number;
  state: WorkerRecord['state'];
  startedAt: number;
  running: number;
}

/** The worker's registry record: who it is, where it runs and when it was last heard from. */
export function workerRecord(worker: WorkerSnapshot, now: number): WorkerRecord {
  const { options } = worker;
  return {
    id: worker.id,
    host: hostname(),
    pid: process.pid,
    queues: options.queues,
    tags: options.tags,
    concurrency: worker.concurrency,
    autoscale: options.autoscale ? { min: options.autoscale.min, max: options.autoscale.max } : null,
    state: worker.state,
    startedAt: worker.startedAt,
    heartbeatAt: now,
    deadAfterMs: options.leaseMs,
    running: worker.running,
  };
}
