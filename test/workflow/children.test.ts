import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { NonRetryableError, Taskwright, defineShardTask, defineWorkflow, runSharded } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('wf-children');
after(() => place.cleanup());
const engine = () => new Taskwright({ store: place.store() });

test('step.invoke runs a child workflow and returns its result; step.start fires and forgets', async () => {
  const tw = engine();
  let childRuns = 0;
  tw.register(
    defineWorkflow('child.square', async (input: { x: number }, step) => step.run('square', () => (childRuns++, input.x * input.x))),
    defineWorkflow('parent', async (input: { x: number }, step) => {
      const squared = await step.invoke<number>('square', 'child.square', { x: input.x });
      const detached = await step.start('audit', 'child.square', { x: 1 });
      return { squared, detached };
    }),
  );
  const { id } = await tw.enqueue('parent', { x: 12 });
  await tw.drain({ timeout: '10s' });
  const parent = await tw.getJob(id);
  assert.equal(parent.state, 'completed');
  const result = parent.result as { squared: number; detached: string };
  assert.equal(result.squared, 144);
  assert.equal((await tw.getJob(result.detached)).state, 'completed');
  assert.equal(childRuns, 2, 'each child ran once although the parent replayed');
  const children = await tw.listJobs({ tag: `parent:${id}` });
  assert.equal(children.length, 2);
  await tw.close();
});

test('a child that fails for good fails the parent step with the child named', async () => {
  const tw = engine();
  tw.register(
    defineWorkflow('child.bad', async () => {
      throw new NonRetryableError('child refused');
    }),
    defineWorkflow('parent.of.bad', async (_: unknown, step) => step.invoke('call', 'child.bad', {}), { attempts: 1 }),
  );
  const { id } = await tw.enqueue('parent.of.bad');
  await tw.drain({ timeout: '10s' });
  const parent = await tw.getJob(id);
  assert.equal(parent.state, 'dead');
  assert.match(parent.error?.message ?? '', /child workflow child\.bad \(run \d+\) failed: child refused/);
  await tw.close();
});

test('sharding: 1,000 items at 100 a shard run as 10 child runs; results come back in input order; a failed shard retries alone', async () => {
  const tw = engine();
  const calls = new Map<number, number>();
  tw.register(
    defineShardTask('double', async (items: number[], shard) => {
      calls.set(shard.index, (calls.get(shard.index) ?? 0) + 1);
      if (shard.index === 3 && calls.get(3) === 1) throw new Error('shard 3 hiccup');
      await new Promise((r) => setTimeout(r, 20));
      return items.map((x) => x * 2);
    }, { attempts: 3, backoff: { base: 20, jitter: 0 } }),
    defineWorkflow('double.all', async (input: { items: number[] }, step) => runSharded<number, number>(step, 'double', 'double', input.items, 100)),
  );
  const items = Array.from({ length: 1000 }, (_, i) => i);
  const { id } = await tw.enqueue('double.all', { items });
  await tw.drain({ timeout: '20s', concurrency: 10 });
  const run = await tw.getJob(id);
  assert.equal(run.state, 'completed', `run ${run.state}: ${run.error?.message ?? ''}`);
  assert.deepEqual(run.result, items.map((x) => x * 2));
  assert.equal(calls.size, 10);
  assert.equal(calls.get(3), 2, 'the failed shard ran again');
  for (const [index, count] of calls) if (index !== 3) assert.equal(count, 1, `shard ${index} ran once`);
  await tw.close();
});

test('invokeAll: a branch whose child is slow to enqueue while the other branch parks still completes, results in input order', async () => {
  const store = place.store();
  // The first child's enqueue answers last: the other branch reaches its wait and parks first.
  const enqueue = store.enqueue.bind(store);
  let delayed = false;
  store.enqueue = async (jobs, now) => {
    if (!delayed && jobs.some((j) => j.name === 'kid' && j.payloadJson === '{"i":0}')) {
      delayed = true;
      await new Promise((r) => setTimeout(r, 150));
    }
    return enqueue(jobs, now);
  };
  const tw = new Taskwright({ store });
  tw.register(
    defineWorkflow('kid', async (input: { i: number }) => input.i * 10),
    defineWorkflow('kids.all', async (_: unknown, step) => step.invokeAll<number>('kids', [{ workflow: 'kid', input: { i: 0 } }, { workflow: 'kid', input: { i: 1 } }])),
  );
  const { id } = await tw.enqueue('kids.all');
  await tw.drain({ timeout: '20s' });
  const run = await tw.getJob(id);
  assert.ok(delayed, 'the first child was enqueued');
  assert.equal(run.state, 'completed', `run ${run.state}: ${run.error?.message ?? ''}`);
  assert.deepEqual(run.result, [0, 10]);
  await tw.close();
});
