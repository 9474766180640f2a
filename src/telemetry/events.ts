import { EventEmitter } from 'node:events';
import type { BreakerChange } from '../core/flow.js';
import type { JobError, JobLogEntry, JobState } from '../core/job.js';

interface JobRef {
  jobId: string;
  name: string;
  queue: string;
  attempt: number;
}

/** Every event the runtime emits. Loggers, metrics, tracing and the server subscribe to these. */
export interface EngineEvents {
  'job:enqueued': { jobId: string; name: string; queue: string; state: JobState; deduplicated: boolean };
  'job:started': JobRef & { workerId: string; /** the enqueuer's W3C traceparent, when stored */ traceParent?: string | null };
  'job:completed': JobRef & { durationMs: number; result: unknown };
  /** an attempt failed and the job will run again at `runAt` */
  'job:retrying': JobRef & { error: JobError; runAt: number };
  /** attempts ran out or the error was non-retryable; `state` is dead (DLQ) or failed */
  'job:failed': JobRef & { error: JobError; state: 'dead' | 'failed' };
  'job:snoozed': JobRef & { runAt: number };
  'job:cancelled': JobRef;
  'job:released': JobRef;
  'job:rescued': JobRef & { to: JobState };
  'job:progress': JobRef & { progress: unknown };
  'job:checkpoint': JobRef & { token: string; bytes: number; compressed: boolean };
  'job:log': JobLogEntry;
  'run:started': { runId: string; workflow: string; attempt: number };
  'run:completed': { runId: string; workflow: string; output: unknown };
  'run:failed': { runId: string; workflow: string; error: string };
  /** the run ended cancelled: by request, by its budget's cancel policy, or with a cancelled parent */
  'run:cancelled': { runId: string; workflow: string; reason: string };
  'step:started': { runId: string; workflow: string; stepId: string; attempt: number };
  'step:completed': { runId: string; workflow: string; stepId: string; durationMs: number };
  'step:failed': { runId: string; workflow: string; stepId: string; error: string; attempt: number };
  /** a schedule's due time was handled: a job enqueued (or found already enqueued), skipped, held back or missed */
  'schedule:fired': { scheduleId: string; dueAt: number; action: string; jobId: string | null; count: number };
  /** a stored timeout ended an attempt whose worker did not (it died or its event loop was blocked) */
  'timer:timeout': JobRef & { workerId: string | null; to: string };
  'worker:started': { workerId: string; queues: readonly string[]; concurrency: number };
  'worker:stopping': { workerId: string; running: number };
  'worker:stopped': { workerId: string };
  'worker:error': { workerId: string; error: Error; during: string };
  /** the pool's concurrency changed: by `scale(n)` (reason 'manual') or by the autoscaler */
  'worker:scaled': { workerId: string; from: number; to: number; reason: string; utilization: number | null; queued: number | null };
  /** a registered worker stopped sending heartbeats and was marked dead */
  'worker:dead': { workerId: string };
  /** this engine took (`leader` true) or lost a leader role shared through the store: 'stager' or 'scheduler' */
  'leader:changed': { role: string; holder: string; leader: boolean };
  /** a circuit breaker opened, let a probe through (half_open) or closed */
  'breaker:changed': BreakerChange;
}

export type EngineEventName = keyof EngineEvents;

/** A typed EventEmitter. `has(name)` lets hot paths skip building payloads nobody listens to. */
export class EngineEventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<K extends EngineEventName>(name: K, listener: (event: EngineEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  off<K extends EngineEventName>(name: K, listener: (event: EngineEvents[K]) => void): void {
    this.emitter.off(name, listener);
  }

  has(name: EngineEventName): boolean {
    return this.emitter.listenerCount(name) > 0;
  }

  emit<K extends EngineEventName>(name: K, event: EngineEvents[K]): void {
    if (this.emitter.listenerCount(name) === 0) return;
    this.emitter.emit(name, event);
  }
}
