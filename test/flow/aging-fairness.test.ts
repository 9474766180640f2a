// Priority aging and fairness through the real engine and worker on the test store (SQLite, or
// PostgreSQL on its pass), with a fake clock: a steady stream of high-priority jobs cannot starve a low-priority one, and tenants interleave.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, type TaskwrightOptions } from '../../dist/index.js';
import { FakeClock } from '../../dist/testing/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('flow-aging');
after(() => place.cleanup());

const waitFor = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

/**
 * One worker with one slot runs jobs one at a time; each job holds its slot until the test lets it
 * go. Per round the test enqueues one high-priority job, moves the clock one second and releases
 * the running job: the queue never shrinks below its starting backlog of high jobs.
 */
async function streamRounds(options: Partial<TaskwrightOptions>, rounds: number): Promise<{ order: string[]; lowRanAtRound: number | null }> {
  const clock = new FakeClock(Date.parse('2026-05-01T00:00:00Z'));
  const tw = new Taskwright({ store: place.store(), clock, ...options });
  const order: string[] = [];
  let release: (() => void) | null = null;
  tw.register('work', async (payload: { label: string }) => {
    order.push(payload.label);
    await new Promise<void>((resolve) => (release = resolve));
  });
  for (let i = 0; i < 5; i++) await tw.enqueue('work', { label: `high-${i}` }, { priority: 'high' });
  await tw.enqueue('work', { label: 'low' }, { priority: 'low' });
  const worker = tw.worker({ concurrency: 1, pollInterval: 5 });
  await worker.start();
  let lowRanAtRound: number | null = null;
  try {
    for (let round = 0; round < rounds; round++) {
      await waitFor(() => release !== null, `a job to start in round ${round}`);
      if (order.at(-1) === 'low' && lowRanAtRound === null) lowRanAtRound = round;
      await tw.enqueue('work', { label: `high-${5 + round}` }, { priority: 'high' });
      clock.advance(1000);
      const done = release as unknown as () => void;
      release = null;
      done();
    }
  } finally {
    await waitFor(() => release !== null, 'the last job to start').catch(() => undefined);
    (release as (() => void) | null)?.();
    await worker.stop(1000);
    await tw.close();
  }
  return { order, lowRanAtRound };
}

test('with aging (1s per level) a low-priority job runs under a steady stream of high-priority jobs', async () => {
  const { order, lowRanAtRound } = await streamRounds({ priorityAging: '1s' }, 40);
  assert.ok(lowRanAtRound !== null, `the low job never ran in 40 rounds: ${order.join(' ')}`);
  // high = 10, low = -10: the low job needs to have waited about 20 levels (20s) more than the next high one
  assert.ok(lowRanAtRound >= 15 && lowRanAtRound <= 30, `the low job ran at round ${lowRanAtRound}, expected after about 20 rounds`);
  assert.ok(order.indexOf('low') > 5, 'the backlog of high jobs went first');
});

test('without aging the same stream starves the low-priority job (the control experiment)', async () => {
  const { order, lowRanAtRound } = await streamRounds({ priorityAging: false }, 40);
  assert.equal(lowRanAtRound, null, `expected the low job to starve, it ran: ${order.join(' ')}`);
  assert.ok(!order.includes('low'));
});

test('tenants interleave: a second tenant\'s jobs are not stuck behind the first tenant\'s backlog', async () => {
  const tw = new Taskwright({ store: place.store() });
  const order: string[] = [];
  tw.register('work', async (payload: { label: string }) => void order.push(payload.label));
  await tw.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ name: 'work', payload: { label: `a${i}` }, options: { group: 'tenant:a' } })));
  await tw.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ name: 'work', payload: { label: `b${i}` }, options: { group: 'tenant:b' } })));
  await tw.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ name: 'work', payload: { label: `c${i}` }, options: { group: 'tenant:c' } })));
  await tw.drain({ concurrency: 1 });
  await tw.close();
  assert.equal(order.length, 40);
  assert.deepEqual(order.slice(0, 15), ['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3', 'a4', 'b4', 'c4']);
  assert.deepEqual(order.slice(15), Array.from({ length: 25 }, (_, i) => `a${i + 5}`));
});
