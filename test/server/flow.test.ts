// Queues, workers, breakers and limits over HTTP (flow control), with their error cases.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, until, type Harness } from './helpers.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

test('queues: list with counts and paused flag; pause stops starts, resume lets them run', async () => {
  const { id } = (await h.call('POST', '/api/jobs', { body: { name: 'echo', options: { queue: 'flowq' } } })).body;
  const paused = await h.call('POST', '/api/queues/flowq/pause');
  assert.equal(paused.status, 200, paused.text);
  assert.deepEqual(paused.body, { queue: 'flowq', paused: true });
  const listed = await h.call('GET', '/api/queues');
  assert.equal(listed.status, 200, listed.text);
  const queue = listed.body.queues.find((q: { queue: string }) => q.queue === 'flowq');
  assert.deepEqual([queue.paused, queue.counts.queued], [true, 1]);
  const worker = h.engine.worker({ queues: ['flowq'], pollInterval: 20 });
  await worker.start();
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await h.engine.getJob(id)).state, 'queued', 'a paused queue starts nothing');
    const workers = await h.call('GET', '/api/workers');
    assert.equal(workers.status, 200, workers.text);
    assert.ok(workers.body.workers.some((w: { id: string }) => w.id === worker.id), 'the running worker is registered');
    assert.equal((await h.call('POST', '/api/queues/flowq/resume')).body.paused, false);
    await until(async () => (await h.engine.getJob(id)).state === 'completed', 10_000, 'the job to run after resume');
  } finally {
    await worker.stop();
  }
  assert.equal((await h.call('POST', '/api/queues/bad%20name/pause')).status, 400);
});

test('breakers and limits are listed; resetting an unknown breaker is 404', async () => {
  await h.engine.setLimit('queue:limited', { concurrency: 2 });
  const limits = await h.call('GET', '/api/limits');
  assert.equal(limits.status, 200, limits.text);
  assert.deepEqual(limits.body.limits.find((l: { key: string }) => l.key === 'queue:limited')?.concurrency, 2);
  const breakers = await h.call('GET', '/api/breakers');
  assert.equal(breakers.status, 200, breakers.text);
  assert.ok(Array.isArray(breakers.body.breakers));
  assert.equal((await h.call('POST', '/api/breakers/never-seen/reset')).status, 404);
});
