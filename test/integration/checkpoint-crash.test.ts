// kill -9 during a checkpointed job: the next worker resumes from the last checkpoint.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, transitions, waitForState } from './helpers.js';

const h = new Harness('checkpoint-crash');
const PAD = 40_000;
after(() => h.cleanup());

test('a job killed with SIGKILL mid-run resumes from its last checkpoint in another process', async () => {
  const tw = h.engine();
  await tw.migrate();
  const fast = { lease: '1s', heartbeat: '200ms', rescueInterval: '200ms', concurrency: 2 };

  const a = await h.start('A', { worker: fast });
  // the checkpoint data is larger than the 16 KiB compression threshold
  const { id } = await tw.enqueue('steps', { steps: 5, stepMs: 100, pauseAfter: 2, padBytes: PAD }, { attempts: 3 });
  await a.waitFor((r) => r.event === 'checkpointed' && r.id === id && r.step === 2, 10_000, 'checkpoint step-2');

  const running = await tw.getJob(id);
  assert.equal(running.state, 'running');
  assert.equal(running.checkpointToken, 'step-2', 'the checkpoint is stored with the running job');
  const stats = await tw.checkpointStats();
  assert.equal(stats.count, 1);
  assert.ok(stats.totalBytes > 0 && stats.totalBytes < PAD / 4, `the ${PAD}-byte checkpoint is stored compressed (${stats.totalBytes} bytes)`);

  a.kill('SIGKILL');
  const exitA = await a.waitExit(5000);
  assert.equal(exitA.signal, 'SIGKILL');
  const killedAt = Date.now();

  const b = await h.start('B', { worker: fast });
  const startB = await b.waitForEvent('start', 10_000, id);
  await waitForState(tw, id, 'completed', 10_000);

  // B was handed the last checkpoint of attempt 1
  assert.equal(startB.attempt, 2);
  assert.deepEqual(startB.resume, { token: 'step-2', next: 3, done: [1, 2], padLength: PAD });
  // it took the job after the lease ran out (~1s), not before, and not much later
  assert.ok(startB.t - killedAt < 5000, `B started the job ${startB.t - killedAt}ms after the kill`);
  assert.equal(b.events('rescued', id).length, 1, 'B rescued the expired lease once');

  // steps 1 and 2 ran in A only; B continued from step 3
  const stepsA = a.events('step', id).map((r) => r.step);
  const stepsB = b.events('step', id).map((r) => r.step);
  assert.deepEqual(stepsA, [1, 2]);
  assert.deepEqual(stepsB, [3, 4, 5]);
  assert.deepEqual(b.events('end', id)[0]?.done, [1, 2, 3, 4, 5]);

  const job = await tw.getJob(id);
  assert.equal(job.attempt, 2);
  assert.deepEqual(job.result, { done: [1, 2, 3, 4, 5] });
  assert.equal(job.checkpointToken, null, 'the checkpoint is deleted once the job completed');
  assert.deepEqual(await tw.checkpointStats(), { count: 0, totalBytes: 0 });
  assert.deepEqual(await transitions(tw, id), ['>queued@0', 'queued>running@1', 'running>queued@1', 'queued>running@2', 'running>completed@2']);

  b.kill('SIGTERM');
  assert.equal((await b.waitExit(5000)).code, 0);
});

test('a job whose worker is SIGKILLed on its last attempt goes to the dead-letter queue when the lease expires', async () => {
  const tw = h.engine();
  const fast = { lease: '1s', heartbeat: '200ms', rescueInterval: '200ms', concurrency: 2 };
  const a = await h.start('last-A', { worker: fast });
  const { id } = await tw.enqueue('steps', { steps: 3, stepMs: 50, pauseAfter: 1 }, { attempts: 1 });
  await a.waitFor((r) => r.event === 'checkpointed' && r.id === id && r.step === 1, 5000, 'checkpoint step-1');
  a.kill('SIGKILL');
  await a.waitExit(5000);

  const b = await h.start('last-B', { worker: fast });
  const job = await waitForState(tw, id, 'dead', 5000);
  assert.equal(job.attempt, 1);
  assert.equal(job.error?.code, 'lease_expired');
  assert.equal((await b.waitForEvent('rescued', 0, id)).to, 'dead');
  assert.equal(b.events('start', id).length, 0, 'no attempt is left, so it never runs again');
  assert.deepEqual((await tw.listDeadLetters()).map((j) => j.id), [id]);
  b.kill('SIGTERM');
  assert.equal((await b.waitExit(5000)).code, 0);
});
