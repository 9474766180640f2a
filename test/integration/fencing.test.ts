// A frozen worker (SIGSTOP) loses its lease to another process; when it thaws, its handler is
// aborted with 'lease_lost' and its stale attempt changes nothing.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, transitions, waitForState } from './helpers.js';

const h = new Harness('fencing');
after(() => h.cleanup());

test('a worker frozen with SIGSTOP loses the job to another process and, once thawed, is fenced off', async () => {
  const tw = h.engine();
  await tw.migrate();
  const fast = { lease: '1s', heartbeat: '200ms', rescueInterval: '200ms', concurrency: 1 };
  const a = await h.start('frozen', { worker: fast });
  const { id } = await tw.enqueue('sleep', { ms: 60_000 }, { attempts: 3 });
  await a.waitForEvent('start', 5000, id);
  const b = await h.start('other', { worker: fast, sleepCapMs: 200 });

  a.kill('SIGSTOP'); // the whole process stops, heartbeat thread included
  try {
    const startB = await b.waitForEvent('start', 5000, id);
    assert.equal(startB.attempt, 2);
    assert.equal((await b.waitForEvent('rescued', 0, id)).to, 'queued');
    const done = await waitForState(tw, id, 'completed', 5000);
    assert.deepEqual(done.result, { slept: 200 });
  } finally {
    a.kill('SIGCONT');
  }
  const thawedAt = Date.now();

  const aborted = await a.waitForEvent('aborted', 3000, id);
  assert.equal(aborted.reason?.code, 'lease_lost', 'the stale handler is told it lost the job');
  assert.ok(aborted.t - thawedAt < 2000, `the stale handler was aborted ${aborted.t - thawedAt}ms after it thawed`);

  const job = await tw.getJob(id);
  assert.equal(job.state, 'completed', 'the stale attempt did not change the job');
  assert.equal(job.attempt, 2);
  assert.deepEqual(await transitions(tw, id), ['>queued@0', 'queued>running@1', 'running>queued@1', 'queued>running@2', 'running>completed@2']);
  assert.deepEqual(a.events('worker-error'), []);

  // work still flows and both processes shut down cleanly
  const next = await tw.enqueue('sleep', { ms: 10 });
  await waitForState(tw, next.id, 'completed', 5000);
  a.kill('SIGTERM');
  b.kill('SIGTERM');
  assert.equal((await a.waitExit(5000)).code, 0);
  assert.equal((await b.waitExit(5000)).code, 0);
});
