import { ValidationError, describeValue } from '../core/errors.js';
import type { EnqueueOptions } from '../core/options.js';
import type { JobDefinition } from '../runtime/handlers.js';
import { defineWorkflow } from './define-workflow.js';
import type { Step } from './steps.js';

/**
 * A task that processes a slice of items and returns one result per item, in order. Each shard is
 * its own child run: shards run in parallel on any worker, and a failed shard retries alone.
 */
export function defineShardTask<Item, Result>(
  name: string,
  processShard: (items: Item[], shard: { index: number; count: number }) => Promise<Result[]>,
  defaults: EnqueueOptions = {},
): JobDefinition<{ items: Item[]; index: number; count: number }, Result[]> {
  return defineWorkflow(name, async (input: { items: Item[]; index: number; count: number }, step) =>
    step.run('process', async () => {
      const results = await processShard(input.items, { index: input.index, count: input.count });
      if (!Array.isArray(results) || results.length !== input.items.length) {
        throw new Error(`shard ${input.index} of ${name} returned ${describeValue(results)}; expected one result per item (${input.items.length})`);
      }
      return results;
    }),
    defaults,
  );
}

/** Splits `items` into shards of `size`, runs each as a child run of `task`, and fans the results in, in input order. */
export async function runSharded<Item, Result>(step: Step, id: string, task: string, items: readonly Item[], size: number): Promise<Result[]> {
  if (!Number.isInteger(size) || size < 1) throw new ValidationError(`expected shard size to be a positive integer, got ${describeValue(size)}`);
  if (!Array.isArray(items)) throw new ValidationError(`expected shard items to be an array, got ${describeValue(items)}`);
  const count = Math.ceil(items.length / size);
  const shards = Array.from({ length: count }, (_, index) => items.slice(index * size, (index + 1) * size));
  // invokeAll splits what is left of this run's budget evenly across the shards
  const results = await step.invokeAll<Result[]>(id, shards.map((slice, index) => ({ id: `${id}:shard-${index}`, workflow: task, input: { items: slice, index, count } })));
  return results.flat();
}
