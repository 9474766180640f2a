// The run as a run: status from its own state machine, history with causes, steps with status,
// input, output, timing, attempts and usage, and logs tied to steps.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, defineDag, defineWorkflow, getRun, listRuns, resumeRun } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('wf-run-view');
after(() => place.cleanup());
const engine = () => new Taskwright({ store: place.store() });

test('a run view: steps with input, output, attempts, timing and usage; logs name their step; totals', async () => {
  const tw = engine();
  let flaky = 0;
  tw.register(
    defineWorkflow('summarize', async (input: { text: string }, step) => {
      await step.log('starting', { length: input.text.length });
      const words = await step.run('split', async () => {
        await step.log('splitting', { by: 'space' }, 'debug');
        step.usage({ tokens: 12, costUsd: 0.001 });
        return input.text.split(' ');
      }, { input: { text: input.text } });
      return step.run('count', () => {
        if (++flaky === 1) throw new Error('flaky once');
        return words.length;
      }, { retry: { attempts: 2 } });
    }),
  );
  const { id } = await tw.enqueue('summarize', { text: 'a b c' });
  assert.equal((await getRun(tw, id)).status, 'pending');
  await tw.drain({ timeout: '10s' });
  const run = await getRun(tw, id);
  assert.equal(run.status, 'completed');
  assert.equal(run.output, 3);
  assert.deepEqual(run.history.map((h) => `${h.from}->${h.to}`), ['null->pending', 'pending->running', 'running->completed']);
  const [split, count] = run.steps;
  assert.deepEqual([split?.id, split?.status, split?.attempts, split?.input, split?.output], ['split', 'completed', 1, { text: 'a b c' }, ['a', 'b', 'c']]);
  assert.deepEqual(split?.usage, { tokens: 12, costUsd: 0.001 });
  assert.equal(typeof split?.durationMs, 'number');
  assert.equal(split?.durationMs, (split?.finishedAt ?? 0) - (split?.startedAt ?? 0));
  assert.deepEqual([count?.status, count?.attempts, count?.output], ['completed', 2, 3], 'a step retried once records two attempts');
  assert.deepEqual(run.logs.map((l) => [l.level, l.message, l.stepId]), [['info', 'starting', null], ['debug', 'splitting', 'split']]);
  assert.deepEqual(run.logs[1]?.fields, { by: 'space' });
  assert.deepEqual({ tokens: run.usage.tokens, costUsd: run.usage.costUsd, steps: run.usage.steps }, { tokens: 12, costUsd: 0.001, steps: 2 });
  await tw.close();
});

test('a run paused by its budget is paused, with the cause, until resumed; runs list filters by run status', async () => {
  const tw = engine();
  tw.register(
    defineWorkflow('chain', async (_: unknown, step) => {
      for (const name of ['one', 'two', 'three']) await step.run(name, () => name);
      return 'done';
    }),
  );
  const { id } = await tw.enqueue('chain', {}, { budget: { steps: 2, onBreach: 'pause' } });
  const { id: waiting } = await tw.enqueue('chain', {}, { runAt: new Date(Date.now() + 3_600_000) });
  await tw.drain({ timeout: '3s' });
  const paused = await getRun(tw, id);
  assert.equal(paused.status, 'paused');
  assert.match(paused.history.at(-1)?.cause ?? '', /^paused: budget exceeded before step "three": steps 3 of 2/);
  assert.deepEqual((await listRuns(tw, { status: 'paused' })).map((r) => r.id), [id]);
  assert.deepEqual((await listRuns(tw, { status: 'pending' })).map((r) => r.id), [waiting]);
  assert.deepEqual(await listRuns(tw, { status: 'running' }), []);
  await resumeRun(tw, id, { steps: 10 });
  await tw.drain({ timeout: '5s' });
  const resumed = await getRun(tw, id);
  assert.equal(resumed.status, 'completed');
  assert.deepEqual(resumed.history.map((h) => h.to), ['pending', 'running', 'paused', 'running', 'completed']);
  assert.deepEqual((await listRuns(tw, { workflow: 'chain', status: 'completed' })).map((r) => [r.id, r.runStatus]), [[id, 'completed']]);
  await tw.close();
});

test('a DAG run lists its nodes as pending before they start, records node inputs, and shows skipped branches', async () => {
  const tw = engine();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const dag = defineDag<{ amount: number }>('approve');
  const check = dag.node('check', { run: ({ input }) => input.amount > 100 });
  const slow = dag.node('slow', { parents: [check], when: { node: check, equals: false }, run: async () => (await gate, 'auto') });
  dag.node('review', { parents: [check], when: { node: check, equals: true }, run: () => 'manual' });
  dag.node('archive', { parents: [slow], run: ({ parents }) => ({ archived: parents.slow }) });
  tw.register(dag.build());
  const worker = await tw.worker().start();
  const { id } = await tw.enqueue('approve', { amount: 5 });
  const deadline = Date.now() + 10_000;
  let mid = await getRun(tw, id);
  while (!mid.steps.some((s) => s.id === 'slow' && s.status === 'running')) {
    if (Date.now() > deadline) throw new Error(`slow never ran: ${JSON.stringify(mid.steps)}`);
    await new Promise((r) => setTimeout(r, 20));
    mid = await getRun(tw, id);
  }
  assert.equal(mid.status, 'running');
  assert.equal(mid.steps.find((s) => s.id === 'archive')?.status, 'pending');
  assert.equal(mid.steps.find((s) => s.id === 'archive')?.startedAt, null);
  release();
  while ((await getRun(tw, id)).status !== 'completed') {
    if (Date.now() > deadline) throw new Error('the DAG did not complete');
    await new Promise((r) => setTimeout(r, 20));
  }
  await worker.stop();
  const run = await getRun(tw, id);
  assert.deepEqual(Object.fromEntries(run.steps.map((s) => [s.id, s.status])), { check: 'completed', slow: 'completed', review: 'skipped', archive: 'completed' });
  assert.deepEqual(run.steps.find((s) => s.id === 'archive')?.input, { parents: { slow: 'auto' } });
  assert.equal(run.usage.steps, 3, 'a skipped node is not a step taken');
  await tw.close();
});
