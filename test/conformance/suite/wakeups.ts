// onWake: "work may be available" signals in this process and, when the driver says it can, from
// other processes.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Store } from '../../../dist/store/store.js';
import { T0, claim, job, jobError, outcomeOf, sleep, storeTest, type Body, type SuiteContext } from './harness.js';

/** Resolves with the ms it took for `store` to signal a wake-up after `act` ran, or rejects after `timeoutMs`. */
async function timeToWake(store: Store, act: () => Promise<unknown>, timeoutMs: number): Promise<number> {
  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const woken = new Promise<number>((resolve) => {
      const start = performance.now();
      off = store.onWake(() => resolve(performance.now() - start));
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no wake-up within ${timeoutMs}ms`)), timeoutMs);
    });
    await act();
    return await Promise.race([woken, timeout]);
  } finally {
    clearTimeout(timer);
    (off as (() => void) | null)?.();
  }
}

export function wakeupTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('wake-ups', () => {
    it('a listener is called after an enqueue in this process; unsubscribing stops it', async (store) => {
      let first = 0;
      let second = 0;
      const offFirst = store.onWake(() => first++);
      const offSecond = store.onWake(() => second++);
      await store.enqueue([job()], T0);
      await sleep(30);
      assert.ok(first >= 1, 'the first listener was called');
      assert.ok(second >= 1, 'every listener is called');
      offFirst();
      const firstBefore = first;
      const secondBefore = second;
      await store.enqueue([job()], T0);
      await sleep(100);
      assert.equal(first, firstBefore, 'an unsubscribed listener is not called again');
      assert.ok(second > secondBefore, 'the other listener still is');
      offSecond();
      offSecond(); // unsubscribing twice is harmless
      const secondAfter = second;
      await store.enqueue([job()], T0);
      await sleep(100);
      assert.equal(second, secondAfter);
    });

    it('a scheduled enqueue also wakes (the listener re-reads nextDueAt)', async (store) => {
      const ms = await timeToWake(store, () => store.enqueue([job('later', { delay: 60_000 })], T0), 1000);
      assert.ok(ms < 1000);
    });

    it('whatever makes work claimable wakes: release, rescue, retry, redrive, an event for a waiting run', async (store) => {
      await store.enqueue([job('rel'), job('lost'), job('dead1'), job('dead2'), job('wf')], T0);
      const { jobs } = await claim(store, { limit: 5, leaseMs: 1000 });
      const by = (name: string) => jobs.find((j) => j.name === name)!;
      await store.settle(['dead1', 'dead2'].map((n) => outcomeOf(by(n), { type: 'dead', error: jobError('x') })), T0);
      await store.waitForEvent(by('wf').id, 'w1', 1, 'step', 'go');
      await store.settle([outcomeOf(by('wf'), { type: 'snoozed', runAt: T0 + 3_600_000 })], T0);
      await sleep(30); // let earlier signals pass
      const within = 1000;
      await timeToWake(store, () => store.settle([outcomeOf(by('rel'), { type: 'released' })], T0 + 1), within);
      await store.extendLeases('w1', 1000, T0); // keep nothing else expiring
      await timeToWake(store, () => store.rescueExpired(T0 + 5000, 10), within);
      await timeToWake(store, () => store.retry(by('dead1').id, T0 + 2), within);
      await timeToWake(store, () => store.redrive([by('dead2').id], T0 + 3), within);
      await timeToWake(store, () => store.sendEvent('go', '{}', T0 + 4), within);
    });

    it('another process enqueueing wakes a listener here (crossProcessWakeups)', async (store, { openSecond }) => {
      if (!store.capabilities.crossProcessWakeups) return; // the driver says it cannot: nothing to check
      assert.ok(openSecond, 'a driver with crossProcessWakeups must let the suite open a second handle (options.openSecond)');
      const other = await openSecond();
      // the listener subscribes before the other handle writes anything
      const ms = await timeToWake(store, () => other.enqueue([job('from-elsewhere')], T0), 1000);
      assert.ok(ms < 1000, `woken after ${Math.round(ms)}ms`);
      // and the work it signals is visible here
      assert.equal((await store.listJobs({ name: 'from-elsewhere' })).length, 1);
      // it keeps working for later enqueues
      const again = await timeToWake(store, () => other.enqueue([job('again')], T0), 1000);
      assert.ok(again < 1000);
    });
  });
}
