// A handler that blocks the event loop for 3x its lease is not rescued by another process: the
// heartbeat runs in a worker thread and keeps renewing the lease.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, transitions, waitForState } from './helpers.js';

const h = new Harness('cpu-busy');
after(() => h.cleanup());

test('a CPU-bound handler blocking the event loop for 3x the lease is not rescued by another process', async () => {
  const tw = h.engine();
  await tw.migrate();
  const lease = { lease: '1s', heartbeat: '200ms' };
  // The rescuer only takes jobs from another queue, so it is a pure lifeline: if it rescued the
  // job, the busy worker would claim it again after the loop and run it a second time.
  const rescuer = await h.start('rescuer', { worker: { ...lease, queues: ['other'], rescueInterval: '200ms' } });
  const busy = await h.start('busy', { worker: { ...lease, queues: ['cpu'], rescueInterval: '200ms', concurrency: 1 } });

  const { id } = await tw.enqueue('busy', { ms: 3000 }, { queue: 'cpu', attempts: 3 });
  const start = await busy.waitForEvent('start', 5000, id);

  // while the main thread spins, the lease stays in the future
  let checks = 0;
  let expiredSeen = 0;
  while (busy.events('end', id).length === 0 && Date.now() - start.t < 10_000) {
    const job = await tw.getJob(id);
    if (job.state === 'running') {
      checks++;
      if (job.leaseExpiresAt !== null && job.leaseExpiresAt < Date.now()) expiredSeen++;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = await busy.waitForEvent('end', 0, id);
  assert.ok(end.t - start.t >= 3000, `the handler blocked for ${end.t - start.t}ms`);
  assert.ok(checks >= 10, `the lease was observed ${checks} times while the loop ran`);
  assert.equal(expiredSeen, 0, 'the lease never expired while the event loop was blocked');

  const job = await waitForState(tw, id, 'completed', 5000);
  assert.equal(job.attempt, 1);
  assert.deepEqual(await transitions(tw, id), ['>queued@0', 'queued>running@1', 'running>completed@1']);
  assert.equal(busy.events('start', id).length, 1, 'the handler ran exactly once');
  assert.deepEqual(rescuer.events('rescued'), [], 'the rescuer rescued nothing');
  assert.deepEqual(busy.events('rescued'), []);
  assert.deepEqual(busy.events('worker-error'), []);

  busy.kill('SIGTERM');
  rescuer.kill('SIGTERM');
  assert.equal((await busy.waitExit(5000)).code, 0);
  assert.equal((await rescuer.waitExit(5000)).code, 0);
});
