// Handlers for the browser tests, run by a worker in the test process so a test can hold a job
// or a workflow step until it decides to let it go (gates), and watch the page meanwhile.
import { defineDag, defineJob, NonRetryableError, type JobDefinition } from '../../dist/index.js';

const gates = new Map<string, { promise: Promise<void>; open: () => void }>();

function gate(key: string): { promise: Promise<void>; open: () => void } {
  let entry = gates.get(key);
  if (!entry) {
    let open = (): void => {};
    const promise = new Promise<void>((resolve) => (open = resolve));
    entry = { promise, open };
    gates.set(key, entry);
  }
  return entry;
}

/** Lets the step or job waiting on `key` go on. */
export const release = (key: string): void => gate(key).open();

/** Jobs whose next attempt should succeed (set by a test before it retries them). */
export const healed = new Set<string>();

/** A DAG with two parallel branches; each node waits for the gate `<input.key>:<stage>`. */
const pipeline = defineDag<{ key: string }>('e2e.pipeline');
const fetchNode = pipeline.node('fetch', { run: async ({ input }) => (await gate(`${input.key}:fetch`).promise, 'rows') });
const left = pipeline.node('clean', { parents: [fetchNode], run: async ({ input }) => (await gate(`${input.key}:branches`).promise, 'clean') });
const right = pipeline.node('enrich', { parents: [fetchNode], run: async ({ input }) => (await gate(`${input.key}:branches`).promise, 'rich') });
pipeline.node('report', { parents: [left, right], run: async ({ input }) => (await gate(`${input.key}:report`).promise, { ok: true }) });

export const e2eHandlers: JobDefinition[] = [
  defineJob('echo', async (payload: unknown) => payload),
  // runs until cancelled
  defineJob('slow', async (_payload, ctx) => {
    await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true }));
  }),
  // dies at once unless a test healed it (then a retry or redrive completes it)
  defineJob('fragile', async (_payload, ctx) => {
    if (!healed.has(ctx.job.id)) throw new NonRetryableError(`fragile job ${ctx.job.id} broke`);
    return { fixed: true };
  }),
  pipeline.build(),
];
