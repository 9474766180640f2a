import { systemClock, type Clock } from '../core/clock.js';
import { parseDuration, type Duration } from '../core/duration.js';
import type { EnqueueOptions } from '../core/options.js';
import type { JobContext } from '../runtime/context.js';
import { defineJob, type JobDefinition } from '../runtime/handlers.js';
import { RunTimeoutError } from './errors.js';
import { installRunEndHook } from './run-end.js';
import { childFinishedEvent, PARENT_TAG, StepRunner, type ChildOutcome, type Step } from './steps.js';

export type WorkflowFunction<Input, Output> = (input: Input, step: Step) => Promise<Output>;

export interface WorkflowOptions {
  clock?: Clock;
  /** false for DAG runs, whose step order comes from the graph (see StepRunner.load) */
  strictOrder?: boolean;
  /**
   * The run's timebox, from its creation. When it passes, the running step's signal aborts, the
   * run fails for good and the runs it started are cancelled; parked sleeps and waits wake at it.
   */
  timeout?: Duration;
  /** a workflow started with `{ runId, workflow, input, error }` when a run fails for good */
  onError?: string;
  /** the step ids a run will reach, known up front (a DAG's nodes); shown as pending until they start */
  nodes?: readonly string[];
  /** each node's parents (a DAG's edges), so a dashboard can draw the graph before steps run */
  parents?: Readonly<Record<string, readonly string[]>>;
}

const MAX_TIMER_MS = 2_147_483_647;

installRunEndHook();

/**
 * The run's own signal: it aborts with the job's signal (cancel, job timeout, shutdown) and when
 * the timebox passes. `timedOut` rejects at the timebox so the run stops even if a step ignores it.
 * The timebox timer starts with `arm()`, once the journal is loaded: a run resumed after its
 * timebox then fails at its first unfinished step, which the error names, rather than while
 * the journal still loads from a networked store.
 */
function runSignal(ctx: JobContext, clock: Clock, timeboxMs: number | null, lastStep: () => string | null) {
  const controller = new AbortController();
  const follow = (): void => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) follow();
  else ctx.signal.addEventListener('abort', follow, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let fail: (error: Error) => void = () => undefined;
  const timedOut = timeboxMs === null ? null : new Promise<never>((_, reject) => (fail = reject));
  // Observed at once: a rejection before the race below listens must not end the process.
  timedOut?.catch(() => undefined);
  const arm = (): void => {
    if (timeboxMs === null) return;
    const left = ctx.job.createdAt + timeboxMs - clock.now();
    timer = setTimeout(() => {
      const step = lastStep();
      const error = new RunTimeoutError(timeboxMs, step === null ? 'before its first step' : `in step "${step}"`);
      controller.abort(error);
      fail(error);
    }, Math.min(MAX_TIMER_MS, Math.max(0, left)));
  };
  const dispose = (): void => {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', follow);
  };
  return { signal: controller.signal, timedOut, arm, dispose };
}

/**
 * A durable step function. Each run is a job of the same name: it runs on the same store and
 * workers, and replays from its step journal after a crash, a sleep or a retry.
 */
export function defineWorkflow<Input = unknown, Output = unknown>(
  name: string,
  fn: WorkflowFunction<Input, Output>,
  defaults: EnqueueOptions = {},
  options: WorkflowOptions = {},
): JobDefinition<Input, Output> {
  const clock = options.clock ?? systemClock;
  const timeboxMs = options.timeout === undefined ? null : parseDuration(options.timeout, `workflow ${name} timeout`);
  const definition = defineJob<Input, Output>(
    name,
    async (input, ctx) => {
      let runner: StepRunner | undefined;
      const { signal, timedOut, arm, dispose } = runSignal(ctx, clock, timeboxMs, () => runner?.lastStepId ?? null);
      // A child run tells its parent how it ended; the parent waits for that event durably.
      const parent = ctx.job.tags.find((t) => t.startsWith(PARENT_TAG));
      const report = async (outcome: ChildOutcome): Promise<void> => {
        if (parent) await ctx.sendEvent(childFinishedEvent(ctx.job.id), outcome);
      };
      const run = { runId: ctx.job.id, workflow: ctx.job.name };
      try {
        runner = await StepRunner.load(ctx, clock, options.strictOrder ?? true, timeboxMs, signal);
        arm();
        if (runner.isFresh) ctx.emit('run:started', { ...run, attempt: ctx.job.attempt });
        if (options.nodes) await runner.plan(options.nodes);
        const output = await (timedOut ? Promise.race([fn(input, runner), timedOut]) : fn(input, runner));
        runner.assertAllReplayed();
        await report({ status: 'completed', output });
        ctx.emit('run:completed', { ...run, output });
        return output;
      } catch (error) {
        // Aborted by a cancel, a job timeout or a shutdown: the worker decides the outcome, and the
        // end hook (run-end.ts) reports it. A timebox is this run's own decision, reported here.
        if (ctx.signal.aborted) throw error;
        const code = (error as { code?: unknown })?.code;
        const message = (error as Error)?.message ?? String(error);
        if (code === 'cancel_run') {
          await report({ status: 'cancelled', error: message });
          throw error;
        }
        const final = code === 'non_retryable' || code === 'run_timeout' || (code !== 'snoozed' && ctx.job.attempt >= ctx.job.maxAttempts);
        if (final) {
          await report({ status: 'failed', error: message });
          if (options.onError) await ctx.enqueue(options.onError, { runId: ctx.job.id, workflow: name, input, error: message }, { idempotencyKey: `on-error:${ctx.job.id}` });
          ctx.emit('run:failed', { ...run, error: message });
        }
        throw error;
      } finally {
        dispose();
      }
    },
    defaults,
  );
  return { ...definition, workflow: { ...(options.onError && { onError: options.onError }), ...(options.nodes && { nodes: options.nodes }), ...(options.parents && { parents: options.parents }) } };
}
