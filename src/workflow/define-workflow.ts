import { systemClock, type Clock } from '../core/clock.js';
import type { EnqueueOptions } from '../core/options.js';
import { defineJob, type JobDefinition } from '../runtime/handlers.js';
import { StepRunner, type Step } from './steps.js';

export type WorkflowFunction<Input, Output> = (input: Input, step: Step) => Promise<Output>;

/**
 * A durable step function. Each run is a job of the same name: it runs on the same store and
 * workers, and replays from its step journal after a crash, a sleep or a retry.
 */
export function defineWorkflow<Input = unknown, Output = unknown>(
  name: string,
  fn: WorkflowFunction<Input, Output>,
  defaults: EnqueueOptions = {},
  clock: Clock = systemClock,
): JobDefinition<Input, Output> {
  return defineJob<Input, Output>(
    name,
    async (input, ctx) => {
      const runner = await StepRunner.load(ctx, clock);
      const output = await fn(input, runner);
      runner.assertAllReplayed();
      return output;
    },
    defaults,
  );
}
