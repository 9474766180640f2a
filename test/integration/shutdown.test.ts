// SIGTERM with jobs in flight: short jobs finish within the grace period; long ones are aborted
// and released back to the queue (attempt given back) for another worker to take at once.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, sleep, transitions, waitForState } from './helpers.js';

const h = new Harness('shutdown');
after(() => h.cleanup());

test('SIGTERM: jobs shorter than the grace period complete and the process exits 0', async () => {
  const tw = h.engine();
  await tw.migrate();
  const w = await h.start('short', { worker: { concurrency: 2, lease: '2s', heartbeat: '200ms', grace: '5s' } });

  const first = await tw.enqueue('sleep', { ms: 700 });
  const second = await tw.enqueue('sleep', { ms: 700 });
  await w.waitForEvent('start', 5000, first.id);
  await w.waitForEvent('start', 5000, second.id);
  // a third job waits for a free slot; a stopping worker must not take it
  const third = await tw.enqueue('sleep', { ms: 10 });

  const termAt = Date.now();
  w.kill('SIGTERM');
  const exit = await w.waitExit(8000);
  assert.deepEqual(exit, { code: 0, signal: null }, w.diagnostics());

  for (const id of [first.id, second.id]) {
    const job = await tw.getJob(id);
    assert.equal(job.state, 'completed', `job ${id} finished within the grace period`);
    assert.equal(job.attempt, 1);
    assert.equal(w.events('aborted', id).length, 0);
  }
  const ends = w.events('end');
  assert.equal(ends.length, 2);
  assert.ok(ends.every((r) => r.t >= termAt), 'the jobs were still running when SIGTERM arrived');
  const stopped = await w.waitForEvent('stopped', 0);
  assert.ok(stopped.t - termAt < 3000, `stopped ${stopped.t - termAt}ms after SIGTERM: it waited for the jobs, not the whole grace`);

  const waiting = await tw.getJob(third.id);
  assert.equal(waiting.state, 'queued', 'a stopping worker claims nothing new');
  assert.equal(waiting.attempt, 0);
  assert.equal(w.events('start', third.id).length, 0);
  await tw.cancel(third.id);
});

test('SIGTERM: jobs longer than the grace period are aborted, released, and picked up at once by another worker', async () => {
  const tw = h.engine();
  await tw.migrate();
  // a long lease: if the jobs came back through lease expiry, B would start them after 10s at the earliest
  const a = await h.start('long-A', { worker: { concurrency: 2, lease: '10s', heartbeat: '1s', grace: '300ms' } });

  const jobs = [await tw.enqueue('sleep', { ms: 60_000 }), await tw.enqueue('sleep', { ms: 60_000 })];
  for (const job of jobs) await a.waitForEvent('start', 5000, job.id);

  // B starts idle (nothing is queued) with a slow fallback poll: only a wake-up gets it going
  const b = await h.start('long-B', { worker: { concurrency: 2, lease: '10s', heartbeat: '1s', pollInterval: '5s' }, sleepCapMs: 300 });
  await sleep(200);
  assert.deepEqual(b.events('start'), []);

  const termAt = Date.now();
  a.kill('SIGTERM');
  const exitA = await a.waitExit(8000);
  assert.deepEqual(exitA, { code: 0, signal: null }, a.diagnostics());

  for (const job of jobs) {
    const aborted = await a.waitForEvent('aborted', 0, job.id);
    assert.equal(aborted.reason?.code, 'shutdown', 'ctx.signal fired with the shutdown reason');
    const abortDelay = aborted.t - termAt;
    assert.ok(abortDelay >= 250 && abortDelay < 2000, `aborted ${abortDelay}ms after SIGTERM (grace 300ms)`);
    assert.equal(a.events('released', job.id).length, 1, `job ${job.id} was released`);

    const startB = await b.waitForEvent('start', 5000, job.id);
    const pickup = startB.t - aborted.t;
    console.log(`released job ${job.id} started in the other worker ${pickup}ms after the abort`);
    assert.ok(pickup < 2000, `B started job ${job.id} ${pickup}ms after A released it (the lease is 10s)`);
    assert.equal(startB.attempt, 1, 'the released attempt was given back');
  }

  for (const job of jobs) {
    const done = await waitForState(tw, job.id, 'completed', 5000);
    assert.equal(done.attempt, 1);
    assert.deepEqual(await transitions(tw, job.id), ['>queued@0', 'queued>running@1', 'running>queued@0', 'queued>running@1', 'running>completed@1']);
    const details = await tw.getJobDetails(job.id);
    assert.equal(details.transitions[2]?.reason, 'released');
  }
  assert.deepEqual(b.events('rescued'), [], 'nothing waited for a lease to expire');

  b.kill('SIGTERM');
  assert.equal((await b.waitExit(5000)).code, 0);
});

test('SIGINT stops a worker gracefully too', async () => {
  const tw = h.engine();
  const w = await h.start('sigint', { worker: { concurrency: 1, lease: '2s', heartbeat: '200ms', grace: '5s' } });
  const { id } = await tw.enqueue('sleep', { ms: 400 });
  await w.waitForEvent('start', 5000, id);
  w.kill('SIGINT');
  assert.deepEqual(await w.waitExit(8000), { code: 0, signal: null }, w.diagnostics());
  assert.equal((await tw.getJob(id)).state, 'completed');
  assert.equal(w.events('stopped').length, 1);
});
