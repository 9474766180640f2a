// Cross-process wake-ups: an idle worker with a 5s fallback poll starts a job enqueued by another
// process almost at once, woken by the write to the SQLite WAL file.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, sleep } from './helpers.js';

const h = new Harness('wakeup');
after(() => h.cleanup());

test('an idle worker (pollInterval 5s) starts a job enqueued by another process within a second', async () => {
  const tw = h.engine();
  await tw.migrate();
  const w = await h.start('W', { worker: { pollInterval: '5s', lease: '2s', heartbeat: '500ms' } });

  const latencies: number[] = [];
  for (let round = 0; round < 3; round++) {
    // let the worker settle into its idle wait (its next poll is 5s away)
    await sleep(300);
    const before = Date.now();
    const { id } = await tw.enqueue('sleep', { ms: 1 });
    const start = await w.waitForEvent('start', 4000, id);
    latencies.push(start.t - before);
    await w.waitForEvent('end', 2000, id);
  }
  console.log(`enqueue-to-start latency across processes: ${latencies.map((ms) => `${ms}ms`).join(', ')}`);
  for (const ms of latencies) assert.ok(ms < 1000, `a job started ${ms}ms after it was enqueued (the fallback poll is 5s)`);

  w.kill('SIGTERM');
  assert.equal((await w.waitExit(5000)).code, 0);
});

test('an idle worker (pollInterval 5s) starts a delayed job enqueued by another process at its run time', async () => {
  const tw = h.engine();
  const w = await h.start('W-delay', { worker: { pollInterval: '5s', lease: '2s', heartbeat: '500ms' } });
  await sleep(300);
  const { id, state } = await tw.enqueue('sleep', { ms: 1 }, { delay: '1s' });
  assert.equal(state, 'scheduled');
  const runAt = (await tw.getJob(id)).runAt;
  const start = await w.waitForEvent('start', 6000, id);
  const lateness = start.t - runAt;
  console.log(`a delayed job started ${lateness}ms after its run time`);
  assert.ok(lateness >= 0, `started ${-lateness}ms before its run time`);
  assert.ok(lateness < 1000, `started ${lateness}ms after its run time (the fallback poll is 5s)`);
  w.kill('SIGTERM');
  assert.equal((await w.waitExit(5000)).code, 0);
});
