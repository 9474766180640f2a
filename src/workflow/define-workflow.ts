import { systemClock, type Clock } from '../core/clock.js';
import { parseDuration, type Duration } from '../core/duration.js';
import type { EnqueueOptions } from '../core/options.js';
import { defineJob, type JobDefinition } from '../runtime/handlers.js';
import { childFinishedEvent, PARENT_TAG, StepRunner, type ChildOutcome, type Step } from './steps.js';

export type WorkflowFunction<Input, Output> = (input: Input, step: Step) => Promise<Output>;

export interface WorkflowOptions {
  clock?: Clock;
  /** false for DAG runs, whose step order comes from the graph (see StepRunner.load) */
  strictOrder?: boolean;
  /** the run's timebox, from its creation: at a step boundary past it the run fails */
  timeout?: Duration;
  /** a workflow started with `{ runId, workflow, input, error }` when a run fails for good */
  onError?: string;
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
  return defineJob<Input, Output>(
    name,
    async (input, ctx) => {
      const runner = await StepRunner.load(ctx, clock, options.strictOrder ?? true, timeboxMs);
      // A child run tells its parent how it ended; the parent waits for that event durably.
      const parent = ctx.job.tags.find((t) => t.startsWith(PARENT_TAG));
      const report = async (outcome: ChildOutcome): Promise<void> => {
        if (parent) await ctx.sendEvent(childFinishedEvent(ctx.job.id), outcome);
      };
      const run = { runId: ctx.job.id, workflow: ctx.job.name };
      if (runner.isFresh) ctx.emit('run:started', { ...run, attempt: ctx.job.attempt });
      try {
        const output = await fn(input, runner);
        runner.assertAllReplayed();
        await report({ status: 'completed', output });
        ctx.emit('run:completed', { ...run, output });
        return output;
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        const final = code === 'non_retryable' || (code !== 'snoozed' && ctx.job.attempt >= ctx.job.maxAttempts);
        if (final) {
          const message = (error as Error)?.message ?? String(error);
          await report({ status: 'failed', error: message });
          if (options.onError) await ctx.enqueue(options.onError, { runId: ctx.job.id, workflow: name, input, error: message }, { idempotencyKey: `on-error:${ctx.job.id}` });
          ctx.emit('run:failed', { ...run, error: message });
        }
        throw error;
      }
    },
    defaults,
  );
}
