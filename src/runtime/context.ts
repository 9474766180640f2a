import { TaskwrightError } from '../core/errors.js';
import type { Budget } from '../core/budget.js';
import type { EnqueueResult, JobLogEntry } from '../core/job.js';
import type { EnqueueOptions } from '../core/options.js';
import type { StepRecord, StoredEvent } from '../store/types.js';
import type { SqlQueryOptions, SqlQueryResult } from '../store/store.js';
import type { EngineEvents } from '../telemetry/events.js';

export type WorkflowEventName = 'run:started' | 'run:completed' | 'run:failed' | 'run:cancelled' | 'step:started' | 'step:completed' | 'step:failed';

/** What a handler receives besides its payload. */
export interface JobContext<Payload = unknown> {
  job: {
    id: string;
    name: string;
    queue: string;
    attempt: number;
    maxAttempts: number;
    payload: Payload;
    createdAt: number;
    tags: string[];
    /** the run's budget (workflow runs), or null */
    budget: Budget | null;
  };
  /** aborts on cancel, timeout, shutdown or a lost lease; `signal.reason` says which */
  signal: AbortSignal;
  /** the last checkpoint saved by an earlier attempt (its journal record), if any */
  resume: { token: string; data: unknown } | undefined;
  /**
   * Records a checkpoint in the job's journal (replacing the last one), fenced on this attempt;
   * the next attempt gets it as `resume`, and completing the job deletes it.
   */
  checkpoint(token: string, data?: unknown): Promise<void>;
  progress(value: unknown): Promise<void>;
  /** `stepId` ties the line to a workflow step (the workflow layer passes it for `step.log`) */
  log(message: string, fields?: Record<string, unknown>, level?: JobLogEntry['level'], stepId?: string): Promise<void>;
  /** Enqueue another job from inside this one (follow-up work, child workflow runs). */
  enqueue(name: string, payload?: unknown, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Emit a workflow execution event on the engine's event bus (used by the workflow layer). */
  emit<K extends WorkflowEventName>(name: K, event: EngineEvents[K]): void;
  /** One SQL statement against the store's own database (stores with `capabilities.sqlQuery`). */
  sql(query: string, params?: readonly unknown[] | Record<string, unknown>, options?: Partial<SqlQueryOptions>): Promise<SqlQueryResult>;
  /** Send an event to workflow runs waiting for it. */
  sendEvent(name: string, data?: unknown): Promise<void>;
  /**
   * The job's step journal: the durable record workflow steps replay from, and where `checkpoint`
   * writes. Written fenced on this attempt; `save` throws LeaseLostError when the attempt is no
   * longer ours. Large outputs are stored compressed and read back expanded.
   */
  journal: {
    list(): Promise<StepRecord[]>;
    /** the journal of another job (a run being rerun) */
    listOf(jobId: string): Promise<StepRecord[]>;
    save(step: StepRecord): Promise<void>;
    /** register that step `stepId` waits for events named `event` */
    waitFor(stepId: string, event: string): Promise<void>;
    /** events named `event` sent at or after `since` */
    events(event: string, since: number): Promise<StoredEvent[]>;
  };
}

/** Thrown from ctx methods when this worker no longer owns the attempt (rescued or settled). */
export class LeaseLostError extends TaskwrightError {
  constructor(jobId: string) {
    super('lease_lost', `job ${jobId} is no longer owned by this worker (its lease expired or it was settled)`);
  }
}
