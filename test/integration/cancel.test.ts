// Cancel from another process: a running handler sees ctx.signal abort; a waiting job never starts.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, sleep, waitForState } from './helpers.js';

const h = new Harness('cancel');
after(() => h.cleanup());

test('tw.cancel() from another process reaches a running handler and keeps waiting jobs from starting', async () => {
  const tw = h.engine();
  await tw.migrate();
  // one slot, so the second job waits in the queue behind the first
  const w = await h.start('W', { worker: { concurrency: 1, lease: '2s', heartbeat: '500ms' } });

  const running = await tw.enqueue('sleep', { ms: 60_000 });
  const started = await w.waitForEvent('start', 10_000, running.id);
  const waiting = await tw.enqueue('sleep', { ms: 10 });
  const scheduled = await tw.enqueue('sleep', { ms: 10 }, { delay: '400ms' });
  assert.equal(waiting.state, 'queued');
  assert.equal(scheduled.state, 'scheduled');

  // the queued and the scheduled job are cancelled before any worker can take them
  assert.equal((await tw.cancel(waiting.id)).state, 'cancelled');
  assert.equal((await tw.cancel(scheduled.id)).state, 'cancelled');

  const cancelAt = Date.now();
  const requested = await tw.cancel(running.id);
  assert.equal(requested.state, 'running', 'a running job stays running until its worker stops it');
  assert.equal(requested.cancelRequested, true);

  const aborted = await w.waitForEvent('aborted', 5000, running.id);
  const latency = aborted.t - cancelAt;
  console.log(`cancel reached the running handler in another process after ${latency}ms`);
  assert.equal(aborted.reason?.code, 'cancelled');
  assert.ok(latency < 1500, `the handler saw signal.aborted ${latency}ms after cancel (expected < 1500ms)`);
  assert.ok(aborted.t > started.t);

  const job = await waitForState(tw, running.id, 'cancelled', 5000);
  assert.equal(job.attempt, 1);
  assert.equal(job.error?.code, 'cancelled');
  assert.equal(job.workerId, null);
  assert.equal(job.cancelRequested, false);

  // the worker is free now, and the scheduled job's time has come: neither cancelled job starts
  await sleep(800);
  assert.deepEqual(w.events('start').map((r) => r.id), [running.id], 'only the running job ever started');
  for (const id of [waiting.id, scheduled.id]) {
    const j = await tw.getJob(id);
    assert.equal(j.state, 'cancelled');
    assert.equal(j.attempt, 0);
    assert.equal(j.startedAt, null);
  }

  // a job enqueued now still runs: the worker was not stuck
  const next = await tw.enqueue('sleep', { ms: 10 });
  await waitForState(tw, next.id, 'completed', 5000);
  assert.deepEqual(w.events('worker-error'), []);

  w.kill('SIGTERM');
  assert.equal((await w.waitExit(5000)).code, 0);
});

test('a cancel requested for a job whose worker was SIGKILLed ends it cancelled when the lease expires; it never reruns', async () => {
  const tw = h.engine();
  const fast = { lease: '1s', heartbeat: '200ms', rescueInterval: '200ms' };
  const a = await h.start('killed', { worker: fast });
  const { id } = await tw.enqueue('sleep', { ms: 60_000 });
  await a.waitForEvent('start', 5000, id);
  a.kill('SIGKILL');
  await a.waitExit(5000);

  const requested = await tw.cancel(id);
  assert.equal(requested.state, 'running');
  const b = await h.start('survivor', { worker: fast, sleepCapMs: 50 });
  const job = await waitForState(tw, id, 'cancelled', 5000);
  assert.equal(job.attempt, 1);
  assert.equal((await b.waitForEvent('rescued', 0, id)).to, 'cancelled');
  await sleep(300);
  assert.equal(b.events('start', id).length, 0, 'the cancelled job did not run again');
  b.kill('SIGTERM');
  assert.equal((await b.waitExit(5000)).code, 0);
});

// The two tests below widen a race window with a long cancelPollInterval so it is hit every time:
// the cancel request is stored (cancel_requested = 1) but the worker has not polled it yet when
// the attempt ends some other way. The store must end such a job cancelled, not run it again.
test('a cancel requested just before SIGTERM is not lost when the shutdown releases the job', async () => {
  const tw = h.engine();
  const a = await h.start('release-A', { worker: { concurrency: 1, lease: '5s', heartbeat: '1s', grace: '300ms', cancelPollInterval: '5s' } });
  const { id } = await tw.enqueue('sleep', { ms: 60_000 });
  await a.waitForEvent('start', 5000, id);
  await sleep(300); // the worker has made its first cancel poll; the next is 5s away

  assert.equal((await tw.cancel(id)).cancelRequested, true);
  a.kill('SIGTERM');
  assert.equal((await a.waitExit(5000)).code, 0);
  assert.equal((await a.waitForEvent('aborted', 0, id)).reason?.code, 'shutdown');

  const b = await h.start('release-B', { worker: { concurrency: 1, lease: '5s', heartbeat: '1s' }, sleepCapMs: 50 });
  await sleep(500);
  b.kill('SIGTERM');
  await b.waitExit(5000);
  const job = await tw.getJob(id);
  assert.deepEqual(b.events('start', id), [], 'a job cancelled while running must not run again');
  assert.equal(job.state, 'cancelled');
});

test('a cancel requested while the attempt is failing ends the job cancelled instead of retrying it', async () => {
  const tw = h.engine();
  const w = await h.start('retry-W', { worker: { concurrency: 1, lease: '5s', heartbeat: '1s', cancelPollInterval: '5s' } });
  const { id } = await tw.enqueue('fail', { ms: 700 }, { attempts: 3, backoff: { base: '50ms', jitter: 0 } });
  await w.waitForEvent('start', 5000, id);
  await sleep(300); // after the first cancel poll, before the handler throws

  assert.equal((await tw.cancel(id)).cancelRequested, true);
  await w.waitForEvent('failing', 5000, id);
  await sleep(700);
  w.kill('SIGTERM');
  await w.waitExit(5000);
  const job = await tw.getJob(id);
  assert.deepEqual(w.events('start', id).map((r) => r.attempt), [1], 'a job cancelled while running must not be retried');
  assert.equal(job.state, 'cancelled');
});
