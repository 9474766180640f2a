// claim: queue selection, limit, order, leases, staging of scheduled jobs, and exclusivity.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { ClaimResult } from '../../../dist/store/types.js';
import { LEASE, SECOND, T0, claim, claimOne, completed, job, outcomeOf, sorted, stateOf, storeTest, type Body, type SuiteContext } from './harness.js';

export function claimTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('claim', () => {
    it('takes only jobs of the selected queues', async (store) => {
      const [mail, sms] = await store.enqueue([job('m', { queue: 'mail' }), job('s', { queue: 'sms' })], T0);
      const fromDefault = await claim(store, { queues: ['default'] });
      assert.deepEqual(fromDefault.jobs, []);
      const fromMail = await claim(store, { queues: ['mail'] });
      assert.deepEqual(fromMail.jobs.map((j) => j.id), [mail!.id]);
      assert.equal(fromMail.jobs[0]!.queue, 'mail');
      assert.equal(await stateOf(store, sms!.id), 'queued', 'the job of the other queue is untouched');
      const fromBoth = await claim(store, { queues: ['mail', 'sms'] });
      assert.deepEqual(fromBoth.jobs.map((j) => j.id), [sms!.id]);
      await store.enqueue([job('n', { queue: 'news' })], T0);
      assert.deepEqual((await claim(store, { queues: [] })).jobs, [], 'no queues selected: nothing claimed');
    });

    it('takes at most `limit` jobs, by priority (higher first) then FIFO', async (store) => {
      const ids = (
        await store.enqueue(
          [job('p0-a'), job('p5-a', { priority: 5 }), job('p0-b'), job('pneg', { priority: -3 }), job('p5-b', { priority: 5 }), job('p9', { priority: 9 }), job('p0-c')],
          T0,
        )
      ).map((r) => r.id);
      const first = await claim(store, { limit: 3 });
      assert.deepEqual(first.jobs.map((j) => j.name), ['p9', 'p5-a', 'p5-b']);
      const second = await claim(store, { limit: 2 });
      assert.deepEqual(second.jobs.map((j) => j.name), ['p0-a', 'p0-b']);
      const rest = await claim(store, { limit: 10 });
      assert.deepEqual(rest.jobs.map((j) => j.name), ['p0-c', 'pneg']);
      assert.deepEqual(sorted([...first.jobs, ...second.jobs, ...rest.jobs].map((j) => j.id)), sorted(ids));
      assert.deepEqual((await claim(store)).jobs, []);
    });

    it('orders by priority across all selected queues', async (store) => {
      await store.enqueue([job('a-low', { queue: 'a' }), job('b-high', { queue: 'b', priority: 2 }), job('a-mid', { queue: 'a', priority: 1 }), job('b-low', { queue: 'b' })], T0);
      const { jobs } = await claim(store, { queues: ['a', 'b'], limit: 10 });
      assert.deepEqual(jobs.map((j) => j.name), ['b-high', 'a-mid', 'a-low', 'b-low']);
    });

    it('leases the job: running, attempt counted, worker and lease recorded, job data handed out', async (store) => {
      const [created] = await store.enqueue(
        [job('leased', { attempts: 4, timeout: '5s', tags: ['t'], deadLetter: false, backoff: { base: 10, max: 20, multiplier: 2, jitter: 0 } }, { hello: 'world' })],
        T0,
      );
      const claimed = await claimOne(store, { workerId: 'w1', now: T0 + 10, leaseMs: 7000 });
      assert.equal(claimed.id, created!.id);
      assert.equal(claimed.name, 'leased');
      assert.equal(claimed.queue, 'default');
      assert.equal(claimed.attempt, 1);
      assert.equal(claimed.maxAttempts, 4);
      assert.equal(claimed.timeoutMs, 5000);
      assert.equal(claimed.deadLetter, false);
      assert.deepEqual(claimed.tags, ['t']);
      assert.deepEqual(claimed.backoff, { baseMs: 10, maxMs: 20, multiplier: 2, jitter: 0 });
      assert.equal(claimed.createdAt, T0);
      assert.equal(claimed.checkpoint, null);
      assert.deepEqual(JSON.parse(claimed.payloadJson), { hello: 'world' });
      const stored = await store.getJob(created!.id);
      assert.equal(stored?.state, 'running');
      assert.equal(stored?.attempt, 1);
      assert.equal(stored?.workerId, 'w1');
      assert.equal(stored?.startedAt, T0 + 10);
      assert.equal(stored?.leaseExpiresAt, T0 + 10 + 7000);
      assert.deepEqual(await store.runningJobIds('w1'), [created!.id]);
      assert.equal(await store.pendingCount(), 1, 'a running job is still pending');
      assert.deepEqual((await claim(store, { workerId: 'w2', now: T0 + 20 })).jobs, [], 'a running job is not claimed again');
    });

    it('a scheduled job is not claimable before its runAt, is at it, and claim stages it', async (store) => {
      const [later] = await store.enqueue([job('later', { runAt: T0 + 5 * SECOND })], T0);
      const early = await claim(store, { now: T0 + 5 * SECOND - 1 });
      assert.deepEqual(early.jobs, []);
      assert.equal(await stateOf(store, later!.id), 'scheduled');
      const due = await claim(store, { now: T0 + 5 * SECOND });
      assert.deepEqual(due.jobs.map((j) => j.id), [later!.id]);
      assert.equal(due.jobs[0]!.attempt, 1);
    });

    it('claim stages every due scheduled job, even those beyond the limit', async (store) => {
      const [a, b, c] = await store.enqueue([job('a', { runAt: T0 + 100 }), job('b', { runAt: T0 + 200 }), job('c', { runAt: T0 + 900 })], T0);
      const { jobs } = await claim(store, { now: T0 + 500, limit: 1 });
      assert.deepEqual(jobs.map((j) => j.id), [a!.id]);
      assert.equal(await stateOf(store, b!.id), 'queued');
      assert.equal(await stateOf(store, c!.id), 'scheduled');
    });

    it('a due scheduled job competes by priority with queued ones', async (store) => {
      await store.enqueue([job('queued-low'), job('due-high', { runAt: T0 + 100, priority: 3 })], T0);
      const { jobs } = await claim(store, { now: T0 + 100, limit: 1 });
      assert.deepEqual(jobs.map((j) => j.name), ['due-high']);
    });

    it('nextDueAt reports the earliest scheduled runAt, and null when nothing waits', async (store) => {
      // a store whose stager stages due jobs reports the next due time from stageDue, not from claims
      const staged = store.capabilities.stagedByLeader && store.stageDue ? store.stageDue.bind(store) : null;
      const nextDue = async (result: { nextDueAt: number | null }, now: number) => {
        if (!staged) return result.nextDueAt;
        assert.equal(result.nextDueAt, null, 'claims leave scheduled jobs to the stager');
        return (await staged(now, 1)).nextDueAt;
      };
      assert.equal(await nextDue(await claim(store), T0), null, 'empty store');
      await store.enqueue([job('late', { runAt: T0 + 9 * SECOND }), job('soon', { runAt: T0 + 5 * SECOND }), job('now')], T0);
      const first = await claim(store, { limit: 10 });
      assert.deepEqual(first.jobs.map((j) => j.name), ['now']);
      assert.equal(await nextDue(first, T0), T0 + 5 * SECOND);
      const second = await claim(store, { limit: 10, now: T0 + 5 * SECOND });
      assert.deepEqual(second.jobs.map((j) => j.name), ['soon']);
      assert.equal(await nextDue(second, T0 + 5 * SECOND), T0 + 9 * SECOND);
      const third = await claim(store, { limit: 10, now: T0 + 9 * SECOND });
      assert.deepEqual(third.jobs.map((j) => j.name), ['late']);
      assert.equal(await nextDue(third, T0 + 9 * SECOND), null);
    });

    it('two concurrent claims never return the same job', async (store, { openSecond }) => {
      const created = (await store.enqueue(Array.from({ length: 300 }, (_, i) => job('race', {}, { i })), T0)).map((r) => r.id);
      const racers: Promise<ClaimResult>[] = [claim(store, { workerId: 'w1', limit: 200 }), claim(store, { workerId: 'w2', limit: 200 })];
      const [a, b] = await Promise.all(racers);
      const idsA = a!.jobs.map((j) => j.id);
      const idsB = b!.jobs.map((j) => j.id);
      assert.equal(idsA.length + idsB.length, 300, 'every job claimed once');
      assert.equal(new Set([...idsA, ...idsB]).size, 300, 'the two claims are disjoint');
      assert.deepEqual(sorted([...idsA, ...idsB]), sorted(created));
      assert.deepEqual(sorted(await store.runningJobIds('w1')), sorted(idsA), 'each job is leased to the worker that got it');
      assert.deepEqual(sorted(await store.runningJobIds('w2')), sorted(idsB));

      if (openSecond) {
        // the same race over two handles (two connections or processes)
        const other = await openSecond();
        const more = (await store.enqueue(Array.from({ length: 300 }, (_, i) => job('race2', {}, { i })), T0)).map((r) => r.id);
        const [c, d] = await Promise.all([
          claim(store, { workerId: 'w3', limit: 200 }),
          claim(other, { workerId: 'w4', limit: 200 }),
        ]);
        const idsC = c!.jobs.map((j) => j.id);
        const idsD = d!.jobs.map((j) => j.id);
        assert.equal(new Set([...idsC, ...idsD]).size, idsC.length + idsD.length, 'claims over two handles are disjoint');
        assert.deepEqual(sorted([...idsC, ...idsD]), sorted(more));
      }
    });

    it('a finished job is never claimed again', async (store) => {
      await store.enqueue([job()], T0);
      const claimed = await claimOne(store);
      await store.settle([outcomeOf(claimed, completed())], T0 + 1);
      assert.deepEqual((await claim(store, { now: T0 + 10 * LEASE })).jobs, []);
    });
  });
}
