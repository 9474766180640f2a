import type { BudgetInput, Usage } from '../core/budget.js';
import type { Duration } from '../core/duration.js';
import type { JobLogEntry } from '../core/job.js';
import type { JobContext } from '../runtime/context.js';
import type { JsonSchema } from './output-schema.js';

// The step API workflow functions see, and the names runs share (parent tags, child events).

export interface StepOptions {
  /** attempts for this step before the run fails; retries wait `backoff` without holding a worker */
  retry?: { attempts: number; backoff?: Duration };
  /** what the step works on, recorded with it for the run's view (JSON) */
  input?: unknown;
  /** a JSON Schema the output must match; a mismatch fails the step naming it and the path */
  output?: JsonSchema;
}

/** What a step function is given: the run's signal (aborts on cancel, timeout, timebox) and its attempt. */
export interface StepTools {
  signal: AbortSignal;
  attempt: number;
  /** SQL against the store's own database (read-only unless `{ readOnly: false }`) */
  sql: JobContext['sql'];
}

/** One child of `invokeAll`; `weight` is its share of the split budget (default 1). */
export interface ChildSpec {
  workflow: string;
  input?: unknown;
  weight?: number;
  /** the child's step id (default `<id>:<index>`) */
  id?: string;
}

/** The step API a workflow function receives. */
export interface Step {
  /** Runs `fn` once per run: a recorded step returns its stored output on replay. */
  run<T>(id: string, fn: (tools: StepTools) => Promise<T> | T, options?: StepOptions): Promise<T>;
  /** Waits durably: the run is parked in the store and no worker is held meanwhile. */
  sleep(id: string, duration: Duration): Promise<void>;
  sleepUntil(id: string, until: Date | number): Promise<void>;
  /**
   * Waits durably for an event sent with `sendEvent` after the run reached this step, whose data
   * contains every field of `match`. Resolves with the event's data, or null after `timeout`.
   */
  waitForEvent<T = unknown>(id: string, options: WaitForEventOptions): Promise<T | null>;
  /** Starts a child workflow run and waits (durably) for its result; a failed child fails this step. */
  invoke<T = unknown>(id: string, workflow: string, input?: unknown, options?: ChildOptions): Promise<T>;
  /** Starts a child workflow run without waiting; returns its run id. */
  start(id: string, workflow: string, input?: unknown, options?: ChildOptions): Promise<string>;
  /**
   * Starts several child runs and waits for all of them; results in order. When this run has a
   * budget, what its own steps have left of it is split across the children by `weight` (evenly
   * by default); each child then spends within its share.
   */
  invokeAll<T = unknown>(id: string, children: readonly ChildSpec[]): Promise<T[]>;
  /** Reports what the running step spent (inside step.run); counted against the run's budget. */
  usage(spent: Partial<Usage>): void;
  /** A run log line; inside `step.run` it names that step. */
  log(message: string, fields?: Record<string, unknown>, level?: JobLogEntry['level']): Promise<void>;
  /** Records a step that will not run (a condition chose another branch). */
  skip(id: string): Promise<void>;
  /** Records steps the run will reach (a DAG's nodes) as pending, so its view lists them before they start. */
  plan(ids: readonly string[]): Promise<void>;
  /** aborts when the run is cancelled, times out or passes its timebox */
  readonly signal: AbortSignal;
}


/** What a child run reports to its parent when it ends (the `run.finished:<id>` event). */
export interface ChildOutcome {
  status: 'completed' | 'failed' | 'cancelled';
  output?: unknown;
  error?: string;
}

export const childFinishedEvent = (runId: string): string => `run.finished:${runId}`;
export const PARENT_TAG = 'parent:';

export interface ChildOptions {
  /** the child's own budget, e.g. a share of this run's made with `splitBudget` */
  budget?: BudgetInput;
}

export interface WaitForEventOptions {
  event: string;
  match?: Record<string, unknown>;
  timeout?: Duration;
  /** count events sent at or after this time (epoch ms); default: when the run reached the step */
  since?: number;
}

